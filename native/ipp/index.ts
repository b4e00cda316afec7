// IPP: a small RFC 8010 encoder/decoder and Get-Printer-Attributes over node:http, plus the
// DeviceSource for printers configured by URI.
export * from './ipp-encoding.js';
export * from './ipp-client.js';
export * from './ipp-source.js';
