/** Moved to common/messages/rule-eval.ts so the server's campaign preview evaluates rules with the same code as the app. */
export * from '../../common/messages/rule-eval.js';
