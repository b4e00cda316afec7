import { Emitter, type Disposable } from '../common/lifecycle.js';
import type { DeviceSession, DeviceSource, DeviceSourceEvent } from '../native/transport.js';
import { describeError } from '../common/errors.js';

/**
 * Wraps the real device sources so the demo printer appears while no real device is attached
 * and leaves as soon as one is: a first start without hardware still shows something to look
 * at, and a real printer is never mixed with a fake one. `createDemo` makes a fresh session each
 * time, because the monitor closes a session it was told is detached.
 */
export function withDemoFallback(
  real: readonly DeviceSource[],
  createDemo: () => DeviceSession,
  log: (message: string) => void = () => undefined,
): DeviceSource {
  const realIds = new Set<string>();
  const events = new Emitter<DeviceSourceEvent>();
  let demo: DeviceSession | undefined;
  let watchers: Disposable[] = [];

  const showDemo = (): DeviceSession => {
    demo ??= createDemo();
    return demo;
  };

  const onRealEvent = (event: DeviceSourceEvent): void => {
    if (event.type === 'attached') {
      realIds.add(event.session.id);
      if (demo) {
        const leaving = demo;
        demo = undefined;
        events.fire({ type: 'detached', id: leaving.id });
      }
      events.fire(event);
      return;
    }
    if (!realIds.delete(event.id)) return;
    events.fire(event);
    if (realIds.size === 0) {
      log('devices: no real device left; showing the demo printer');
      events.fire({ type: 'attached', session: showDemo() });
    }
  };

  return {
    name: 'devices-or-demo',
    async list() {
      const sessions: DeviceSession[] = [];
      for (const source of real) {
        try {
          sessions.push(...(await source.list()));
        } catch (error) {
          log(`${source.name}: could not list devices (${describeError(error)})`);
        }
      }
      for (const session of sessions) realIds.add(session.id);
      if (sessions.length > 0) return sessions;
      return [showDemo()];
    },
    watch(listener) {
      if (watchers.length === 0) watchers = real.map((source) => source.watch(onRealEvent));
      const subscription = events.on(listener);
      return {
        dispose() {
          subscription.dispose();
          if (events.size > 0) return;
          for (const watcher of watchers) watcher.dispose();
          watchers = [];
        },
      };
    },
  };
}
