import type { InboxView, MessagesState, PollStatus } from '../../../common/contract/messages.js';
import { bridge, describeFailure } from './bridge.js';
import type { SliceDefinition } from './store.js';

/**
 * What the owner just did to a message, while Undo is offered. The change is already recorded
 * (commit, then revert on Undo): if the app quits during the offer, the dismiss or snooze stands,
 * as asked, and nothing is lost.
 */
export interface UndoOffer {
  kind: 'dismissed' | 'snoozed';
  id: string;
  title: string;
  /** Epoch ms the offer ends; the panel hides it then. */
  until: number;
}

/** How long Undo is offered: long enough to notice and reach it by keyboard. */
export const UNDO_WINDOW_MS = 8_000;

/** Targeted messages: the inbox, how fresh it is, and which message is open. */
export interface MessagesSlice {
  inbox: InboxView;
  pollStatus: PollStatus | null;
  messagesStatus: 'idle' | 'loading' | 'ready' | 'failed';
  messagesError: string | null;
  /** The message shown expanded (a click on its notification or on its title), or null. */
  openMessageId: string | null;
  checkingMessages: boolean;
  undoOffer: UndoOffer | null;
  loadMessages(): Promise<void>;
  receiveMessages(state: MessagesState): void;
  /** Opens a message (and marks it read), or closes the open one with null. */
  openMessage(id: string | null): Promise<void>;
  dismissMessage(id: string): Promise<void>;
  snoozeMessage(id: string, hours: number): Promise<void>;
  /** Brings back a dismissed or snoozed message (Undo, Unsnooze). */
  restoreMessage(id: string): Promise<void>;
  /** Undoes the offered dismiss or snooze. */
  undoLastAction(): Promise<void>;
  dropUndoOffer(): void;
  markAllMessagesRead(): Promise<void>;
  checkMessagesNow(): Promise<void>;
}

const EMPTY_INBOX: InboxView = { items: [], unreadCount: 0, allowedLinkHosts: [], snoozed: [] };

/** The messages slice. */
export const messagesSlice: SliceDefinition<MessagesSlice> = {
  create: (set, get) => {
    // Same guard as the devices slice: a slow getState() answer must not overwrite a newer pushed state.
    let received = 0;
    const act = async (action: () => Promise<unknown>): Promise<boolean> => {
      try {
        await action();
        set({ messagesError: null });
        return true;
      } catch (error) {
        set({ messagesError: describeFailure(error) });
        return false;
      }
    };
    /** Runs the dismiss or snooze, then offers its Undo (the title is read first: the pushed inbox may drop the item before the call answers). */
    const withUndo = async (kind: UndoOffer['kind'], id: string, action: () => Promise<unknown>): Promise<void> => {
      const title = get().inbox.items.find((item) => item.id === id)?.title ?? 'the message';
      if (await act(action)) set({ undoOffer: { kind, id, title, until: Date.now() + UNDO_WINDOW_MS } });
    };
    return {
      inbox: EMPTY_INBOX,
      pollStatus: null,
      messagesStatus: 'idle',
      messagesError: null,
      openMessageId: null,
      checkingMessages: false,
      undoOffer: null,
      async loadMessages() {
        const before = received;
        set((state) => ({ messagesStatus: state.messagesStatus === 'ready' ? 'ready' : 'loading' }));
        try {
          const state = await bridge().messages.getState();
          if (received !== before) return;
          set({ inbox: state.inbox, pollStatus: state.status, messagesStatus: 'ready', messagesError: null });
        } catch (error) {
          if (received !== before) return;
          set({ messagesStatus: get().messagesStatus === 'ready' ? 'ready' : 'failed', messagesError: describeFailure(error) });
        }
      },
      receiveMessages(state) {
        received += 1;
        set({ inbox: state.inbox, pollStatus: state.status, messagesStatus: 'ready' });
      },
      async openMessage(id) {
        set({ openMessageId: id });
        if (id === null) return;
        const item = get().inbox.items.find((candidate) => candidate.id === id);
        if (item && !item.read) await act(() => bridge().messages.markRead({ id }));
      },
      async dismissMessage(id) {
        if (get().openMessageId === id) set({ openMessageId: null });
        await withUndo('dismissed', id, () => bridge().messages.dismiss({ id }));
      },
      async snoozeMessage(id, hours) {
        if (get().openMessageId === id) set({ openMessageId: null });
        await withUndo('snoozed', id, () => bridge().messages.snooze({ id, hours }));
      },
      async restoreMessage(id) {
        if (get().undoOffer?.id === id) set({ undoOffer: null });
        await act(() => bridge().messages.restore({ id }));
      },
      async undoLastAction() {
        const offer = get().undoOffer;
        if (offer === null) return;
        set({ undoOffer: null });
        await act(() => bridge().messages.restore({ id: offer.id }));
      },
      dropUndoOffer() {
        set({ undoOffer: null });
      },
      async markAllMessagesRead() {
        await act(() => bridge().messages.markAllRead());
      },
      async checkMessagesNow() {
        if (get().checkingMessages) return;
        set({ checkingMessages: true });
        try {
          await act(() => bridge().messages.checkNow());
        } finally {
          set({ checkingMessages: false });
        }
      },
    };
  },
  follow: (api, store) => {
    const stopChanged = api.messages.onChanged((state) => store.getState().receiveMessages(state));
    const stopOpen = api.messages.onOpenRequested(({ id }) => void store.getState().openMessage(id));
    return () => {
      stopChanged();
      stopOpen();
    };
  },
  load: (store) => store.getState().loadMessages(),
};
