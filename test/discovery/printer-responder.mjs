// The discovery tier's network printer, run by scripts/ipp/run.sh inside its own network namespace
// (the far end of a veth pair): advertises `_ipp._tcp` and `_ipps._tcp` over mDNS with bonjour-service's
// own responder, the way an IPP Everywhere printer does, and relays TCP from the link address to
// the ippeveprinter on this namespace's loopback (ippeveprinter listens only on localhost without
// avahi). A second, hostile advertisement carries TXT values no printer should send.
//
// Usage: node printer-responder.mjs ADDRESS PORT TARGET_PORT CONTROL_SOCKET
// CONTROL_SOCKET is a Unix socket path (it works across network namespaces): a line "withdraw NAME"
// sends the goodbye for that service, "quit" ends the responder.
import { createServer, connect } from 'node:net';
import { rmSync } from 'node:fs';
import { Bonjour } from 'bonjour-service';

const [address, portText, targetText, control] = process.argv.slice(2);
const port = Number(portText);
const target = Number(targetText);
if (!address || !port || !target || !control) {
  console.error('usage: printer-responder.mjs ADDRESS PORT TARGET_PORT CONTROL_SOCKET');
  process.exit(2);
}

const relay = createServer((client) => {
  const printer = connect(target, '127.0.0.1');
  client.pipe(printer).pipe(client);
  const end = () => {
    client.destroy();
    printer.destroy();
  };
  client.on('error', end);
  printer.on('error', end);
});
await new Promise((resolve) => relay.listen(port, address, resolve));

const bonjour = new Bonjour({ interface: address, bind: '0.0.0.0' }, (error) => console.error(`responder: ${error.message}`));
// bonjour-service takes the host's A records from os.networkInterfaces() when a service is
// published, and here it sometimes has none (its replies then carry SRV and TXT but no address),
// so the responder also answers A queries for its host itself, as a printer's own mDNS stack does.
const hostName = 'trayside-printer.local';
const mdns = bonjour.server.mdns;
mdns.on('query', (packet) => {
  if (!packet.questions.some((question) => question.type === 'A' && String(question.name).toLowerCase() === hostName)) return;
  mdns.respond({ answers: [{ name: hostName, type: 'A', ttl: 120, data: address }] });
});
const uuid = '8f2c1a4e-7b3d-4c5e-9a61-2d4b8c0e1f37';
const services = new Map();
const publish = (config) =>
  services.set(config.name, bonjour.publish({ ...config, host: hostName, port, disableIPv6: true, probe: false }));
const txt = {
  txtvers: '1',
  rp: 'ipp/print',
  ty: 'Trayside Discovered IPP',
  note: 'Lab bench',
  adminurl: `http://${address}:${port}/`,
  UUID: uuid,
  pdl: 'application/pdf,image/pwg-raster',
};
publish({ name: 'Trayside Lab Printer', type: 'ipp', txt });
publish({ name: 'Trayside Lab Printer', type: 'ipps', txt });
publish({
  name: 'Hostile\u0007 Printer',
  type: 'ipp',
  txt: {
    rp: '../../../etc/passwd',
    ty: `Evil\u0000\u001b[2J${'x'.repeat(150)}`,
    adminurl: 'javascript:alert(1)',
    UUID: 'not-a-uuid',
    note: '\u202e',
  },
});

rmSync(control, { force: true });
const commands = createServer((socket) => {
  socket.setEncoding('utf8');
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line === 'quit') {
        bonjour.unpublishAll(() => process.exit(0));
      } else if (line.startsWith('withdraw ')) {
        const name = line.slice('withdraw '.length);
        const service = services.get(name);
        if (!service) socket.write(`no ${name}\n`);
        else service.stop(() => socket.write(`withdrawn ${name}\n`));
      }
    }
  });
  socket.on('error', () => undefined);
});
commands.listen(control, () =>
  console.log(`responder: advertising on ${address}, relaying :${port} to 127.0.0.1:${target}, control at ${control}`),
);
process.on('SIGTERM', () => bonjour.unpublishAll(() => process.exit(0)));
