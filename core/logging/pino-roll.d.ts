// pino-roll ships no types; this is the part of its API the app logger uses (pino-roll 4.0.0).
declare module 'pino-roll' {
  import type SonicBoom from 'sonic-boom';
  interface PinoRollOptions {
    file: string;
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    symlink?: boolean;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    dateFormat?: string;
    mkdir?: boolean;
  }
  function pinoRoll(options: PinoRollOptions): Promise<SonicBoom>;
  export default pinoRoll;
}
