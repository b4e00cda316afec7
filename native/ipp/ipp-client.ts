import http from 'node:http';
import https from 'node:https';
import { systemTimers, type Timers } from '../../common/lifecycle.js';
import type { IppAttributes } from '../decoders/ipp-supplies.js';
import {
  decodeIppMessage,
  encodeGetPrinterAttributes,
  groupAttributes,
  IPP_GROUP,
  IPP_STATUS_NAMES,
  isSuccessfulStatus,
  type IppMessage,
} from './ipp-encoding.js';

/** Why an IPP request failed, so callers can tell "switched off" from "not a printer". */
export type IppFailure = 'invalid-uri' | 'timeout' | 'aborted' | 'network' | 'http' | 'ipp' | 'decode' | 'too-large';

/** An IPP request that did not give attributes; the message names the printer, the cause and what to check. */
export class IppRequestError extends Error {
  override readonly name = 'IppRequestError';
  constructor(
    readonly failure: IppFailure,
    message: string,
    /** The IPP status code of a refused request (failure 'ipp'), e.g. 0x0406 client-error-not-found. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The attributes Trayside reads: supplies, state, identity. */
export const PRINTER_ATTRIBUTES_WANTED = [
  'printer-supply',
  'printer-supply-description',
  'marker-names',
  'marker-types',
  'marker-levels',
  'marker-colors',
  'marker-low-levels',
  'marker-high-levels',
  'printer-state',
  'printer-state-reasons',
  'printer-state-message',
  'printer-make-and-model',
  'printer-device-id',
  'printer-firmware-string-version',
  'printer-uuid',
  'printer-name',
  'printer-info',
] as const;

/** Options for one request; timers are passed in (tests move them), defaults are the real ones. */
export interface IppRequestOptions {
  signal?: AbortSignal;
  /** Whole exchange, connect to last byte. */
  timeoutMs?: number;
  requestedAttributes?: readonly string[];
  timers?: Timers;
  /** Replies above this are refused: a printer answering Get-Printer-Attributes sends tens of KB. */
  maxResponseBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** IANA port for IPP, and for ipps too (RFC 7472 §4.2). */
const IPP_PORT = 631;

/** Where to POST for an ipp://, ipps://, http:// or https:// printer URI. */
export function ippHttpTarget(uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new IppRequestError(
      'invalid-uri',
      `"${uri}" is not a printer address: expected ipp://host[:port]/path, e.g. ipp://192.168.1.20/ipp/print`,
    );
  }
  const scheme = url.protocol;
  if (scheme !== 'ipp:' && scheme !== 'ipps:' && scheme !== 'http:' && scheme !== 'https:') {
    throw new IppRequestError('invalid-uri', `"${uri}" uses ${scheme} — expected ipp://, ipps://, http:// or https://`);
  }
  const secure = scheme === 'ipps:' || scheme === 'https:';
  const port = url.port !== '' ? url.port : scheme.startsWith('ipp') ? String(IPP_PORT) : '';
  const target = new URL(`${secure ? 'https' : 'http'}://${url.host}${url.pathname}${url.search}`);
  target.port = port;
  return target;
}

let nextRequestId = 1;

/** Sends Get-Printer-Attributes and returns the printer group; rejects with an IppRequestError, never hangs past the timeout. */
export async function getPrinterAttributes(uri: string, options: IppRequestOptions = {}): Promise<IppAttributes> {
  const target = ippHttpTarget(uri);
  const requestId = nextRequestId;
  nextRequestId = (nextRequestId % 0x7fffffff) + 1;
  const body = encodeGetPrinterAttributes(uri, options.requestedAttributes ?? PRINTER_ATTRIBUTES_WANTED, requestId);
  const reply = await postIpp(uri, target, body, options);
  let message;
  try {
    message = decodeIppMessage(reply);
  } catch (error) {
    throw new IppRequestError(
      'decode',
      `${uri} answered, but not in IPP: ${(error as Error).message}. Is this the printer's IPP address (often /ipp/print)?`,
    );
  }
  if (!isSuccessfulStatus(message.code)) {
    const status = IPP_STATUS_NAMES[message.code] ?? `status 0x${message.code.toString(16).padStart(4, '0')}`;
    throw new IppRequestError('ipp', `${uri} refused Get-Printer-Attributes: ${status}`);
  }
  return groupAttributes(message, IPP_GROUP.printer);
}

/**
 * Sends any encoded IPP request (e.g. CUPS-Get-Printers) to `uri` and returns the decoded reply,
 * with the same time limit, abort and size rules as getPrinterAttributes; `what` names the
 * operation in errors.
 */
export async function sendIppRequest(uri: string, body: Uint8Array, what: string, options: IppRequestOptions = {}): Promise<IppMessage> {
  const reply = await postIpp(uri, ippHttpTarget(uri), body, options);
  let message;
  try {
    message = decodeIppMessage(reply);
  } catch (error) {
    throw new IppRequestError('decode', `${uri} answered ${what}, but not in IPP: ${(error as Error).message}`);
  }
  if (!isSuccessfulStatus(message.code)) {
    const status = IPP_STATUS_NAMES[message.code] ?? `status 0x${message.code.toString(16).padStart(4, '0')}`;
    throw new IppRequestError('ipp', `${uri} refused ${what}: ${status}`, message.code);
  }
  return message;
}

function postIpp(uri: string, target: URL, body: Uint8Array, options: IppRequestOptions): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const timers = options.timers ?? systemTimers;
  const signal = options.signal;
  return new Promise<Uint8Array>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new IppRequestError('aborted', `Reading ${uri} was cancelled`));
      return;
    }
    let settled = false;
    const transport = target.protocol === 'https:' ? https : http;
    const request = transport.request(target, {
      method: 'POST',
      headers: { 'content-type': 'application/ipp', 'content-length': body.length },
      // Printers use self-signed certificates almost without exception; ipps here buys privacy on the wire, not identity.
      ...(target.protocol === 'https:' ? { rejectUnauthorized: false } : {}),
    });
    const finish = (error: IppRequestError | undefined, value?: Uint8Array): void => {
      if (settled) return;
      settled = true;
      timer.dispose();
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        request.destroy();
        reject(error);
      } else resolve(value!);
    };
    const onAbort = (): void => finish(new IppRequestError('aborted', `Reading ${uri} was cancelled`));
    const timer = timers.setTimeout(
      () =>
        finish(
          new IppRequestError(
            'timeout',
            `${uri} did not answer within ${formatSeconds(timeoutMs)}: check that the printer is on and the address is right`,
          ),
        ),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ? ` (${error.code})` : '';
      const hint =
        error.code === 'ECONNREFUSED'
          ? ': nothing listens there — is the printer on, and is the port right?'
          : error.code === 'ENOTFOUND'
            ? ': no such host name'
            : '';
      finish(new IppRequestError('network', `Could not reach ${uri}: ${error.message}${code}${hint}`));
    });
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        finish(
          new IppRequestError(
            'http',
            `${uri} answered HTTP ${response.statusCode ?? '?'} ${response.statusMessage ?? ''}`.trim() +
              ' instead of an IPP reply: check the path (often /ipp/print)',
          ),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes)
          finish(new IppRequestError('too-large', `${uri} sent more than ${maxBytes} bytes for its attributes; refusing the rest`));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        const all = Buffer.concat(chunks);
        finish(undefined, new Uint8Array(all.buffer, all.byteOffset, all.length));
      });
      response.on('error', (error) => finish(new IppRequestError('network', `Connection to ${uri} broke: ${error.message}`)));
    });
    request.end(Buffer.from(body.buffer, body.byteOffset, body.length));
  });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
