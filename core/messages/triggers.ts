/** Moved to common/messages/triggers.ts so the server's campaign preview checks triggers with the same code as the app. */
export * from '../../common/messages/triggers.js';
