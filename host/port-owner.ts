// Who holds the port the Node host wants: checked before anything starts, so a second `npm start`
// says in one line that Trayside already runs there instead of starting the demo backend and the
// devices only to fail at listen with a stack.
import { createServer } from 'node:net';
import { BRIDGE_PATH } from './node-host.js';

/**
 * False when something listens on 127.0.0.1:port, found by trying to bind it (then let go at once).
 * Any other bind error (EACCES below 1024) answers true: the real listen reports it.
 */
export async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise<boolean>((done) => {
    probe.once('error', (error: NodeJS.ErrnoException) => done(error.code !== 'EADDRINUSE'));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

/**
 * A Trayside Node host serves its bridge script at BRIDGE_PATH as JavaScript; any other program
 * (or one that does not answer HTTP within a second) is "another program".
 */
export async function isTraysideHost(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${BRIDGE_PATH}`, { method: 'HEAD', signal: AbortSignal.timeout(1000) });
    return response.status === 200 && (response.headers.get('content-type') ?? '').startsWith('text/javascript');
  } catch {
    return false;
  }
}

/** The one line for a taken port: where the running Trayside is, or that another program holds it. */
export async function describeTakenPort(port: number): Promise<string> {
  if (await isTraysideHost(port))
    return `Trayside is already running at http://127.0.0.1:${port}/ — open that, or start another with --port 0`;
  return `port ${port} on 127.0.0.1 is taken by another program — start Trayside with --port 0 (any free port) or --port N`;
}
