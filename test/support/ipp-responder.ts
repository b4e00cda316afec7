import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Timers } from '../../common/lifecycle.js';
import {
  decodeIppMessage,
  encodeIppMessage,
  IPP_GROUP,
  IPP_OPERATION,
  IPP_TAG,
  type IppOutAttribute,
} from '../../native/ipp/ipp-encoding.js';

/** A small IPP printer on 127.0.0.1 that answers Get-Printer-Attributes with fixed attributes. */
export interface IppResponder {
  /** `ipp://127.0.0.1:PORT/ipp/print`; any other path on the same port answers too (a second printer). */
  readonly uri: string;
  /** While false, requests are held unanswered (a printer that stopped answering); true answers the held ones. */
  setAnswering(answering: boolean): void;
  /** Most requests the printer was serving at once. */
  readonly peakInFlight: number;
  /** Requests answered so far. */
  readonly answered: number;
  close(): Promise<void>;
}

/** A colour laser in the shape ippeveprinter and CUPS answer: 1284 ID, uuid, state, printer-supply. */
export const IPP_LASER_ATTRIBUTES: readonly IppOutAttribute[] = [
  { name: 'printer-make-and-model', tag: IPP_TAG.text, values: ['ACME ColorLaser 500'] },
  { name: 'printer-device-id', tag: IPP_TAG.text, values: ['MFG:ACME;MDL:ColorLaser 500;CMD:PCL,PWGRaster;CLS:PRINTER;SN:CL500-7;'] },
  { name: 'printer-firmware-string-version', tag: IPP_TAG.text, values: ['2.4.1'] },
  { name: 'printer-uuid', tag: IPP_TAG.uri, values: ['urn:uuid:6d3a4c1e-1f0b-4f7e-9a55-0d2b8e1c7a10'] },
  { name: 'printer-state', tag: IPP_TAG.enum, values: [3] },
  { name: 'printer-state-reasons', tag: IPP_TAG.keyword, values: ['none'] },
  {
    name: 'printer-supply',
    tag: IPP_TAG.octetString,
    values: [
      // RFC 3805 special levels: −3 some left, −2 unknown, −1 not reported; the last is a real percentage.
      'index=1;type=tonerCartridge;maxcapacity=100;level=-3;class=supplyThatIsConsumed;unit=percent;colorantname=black;',
      'index=2;type=tonerCartridge;maxcapacity=100;level=-2;class=supplyThatIsConsumed;unit=percent;colorantname=cyan;',
      'index=3;type=tonerCartridge;maxcapacity=100;level=40;class=supplyThatIsConsumed;unit=percent;colorantname=magenta;',
      'index=4;type=wasteToner;maxcapacity=100;level=-1;class=receptacleThatIsFilled;unit=percent;',
    ],
  },
  { name: 'printer-supply-description', tag: IPP_TAG.text, values: ['Black Toner', 'Cyan Toner', 'Magenta Toner', 'Waste Toner Box'] },
];

/** What the responder answers and how fast. */
export interface IppResponderOptions {
  attributes?: readonly IppOutAttribute[];
  /** Each answer waits this long on `timers`, as a printer's embedded server takes tens of ms; default 0. */
  latencyMs?: number;
  timers?: Timers;
}

/** Starts the responder on an OS-chosen port. */
export async function startIppResponder(options: IppResponderOptions = {}): Promise<IppResponder> {
  const attributes = options.attributes ?? IPP_LASER_ATTRIBUTES;
  const latencyMs = options.latencyMs ?? 0;
  let answering = true;
  let inFlight = 0;
  let peakInFlight = 0;
  let answered = 0;
  const held: (() => void)[] = [];

  const server = http.createServer((request, response) => {
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    let open = true;
    const done = (): void => {
      if (!open) return;
      open = false;
      inFlight -= 1;
    };
    // A client that gives up (abort, timeout) closes the connection: the request no longer counts.
    response.on('close', done);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (): void => {
        if (!open) return;
        const message = decodeIppMessage(new Uint8Array(Buffer.concat(chunks)));
        // 0x0000 successful-ok; 0x0501 server-error-operation-not-supported for anything else.
        const ok = message.code === IPP_OPERATION.getPrinterAttributes;
        const body = encodeIppMessage({
          code: ok ? 0x0000 : 0x0501,
          requestId: message.requestId,
          groups: [
            { tag: IPP_GROUP.operation, attributes: [{ name: 'attributes-charset', tag: IPP_TAG.charset, values: ['utf-8'] }] },
            ...(ok ? [{ tag: IPP_GROUP.printer, attributes }] : []),
          ],
        });
        answered += 1;
        response.writeHead(200, { 'content-type': 'application/ipp' }).end(Buffer.from(body));
      };
      const answerOrHold = (): void => {
        if (answering) answer();
        else held.push(answer);
      };
      if (latencyMs > 0 && options.timers) options.timers.setTimeout(answerOrHold, latencyMs);
      else answerOrHold();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    uri: `ipp://127.0.0.1:${port}/ipp/print`,
    setAnswering(value) {
      answering = value;
      if (value) for (const answer of held.splice(0)) answer();
    },
    get peakInFlight() {
      return peakInFlight;
    },
    get answered() {
      return answered;
    },
    close: () =>
      new Promise<void>((resolve) => {
        held.splice(0);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
