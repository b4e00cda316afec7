import { describe, expect, it } from 'vitest';
import { FlagError, parseFlags } from './parse-flags.js';

describe('parseFlags', () => {
  it('defaults: fallback demo, speed 1, port 4477, nothing overridden', () => {
    expect(parseFlags([], 'strict', {})).toEqual({
      branding: undefined,
      ipp: [],
      demo: 'fallback',
      demoBackend: undefined,
      simSpeed: 1,
      backend: undefined,
      publicKey: undefined,
      productLine: undefined,
      port: 4477,
      dataDir: undefined,
      help: false,
    });
  });

  it('reads every flag, repeated --ipp and negations', () => {
    const flags = parseFlags(
      [
        '--branding',
        'b.json',
        '--ipp',
        'ipp://a/p',
        '--ipp',
        'ipp://b/p',
        '--no-demo',
        '--no-demo-backend',
        '--sim-speed',
        '3600',
        '--port',
        '0',
        '--data-dir',
        '/d',
      ],
      'strict',
      {},
    );
    expect(flags).toMatchObject({
      branding: 'b.json',
      ipp: ['ipp://a/p', 'ipp://b/p'],
      demo: 'never',
      demoBackend: false,
      simSpeed: 3600,
      port: 0,
      dataDir: '/d',
    });
  });

  it('the TRAYSIDE_* variables stand in for flags in both hosts; a flag wins', () => {
    const env = {
      TRAYSIDE_DEMO: '1',
      TRAYSIDE_DEMO_BACKEND: '0',
      TRAYSIDE_SIM_SPEED: '60',
      TRAYSIDE_BACKEND_URL: 'http://127.0.0.1:8787',
      TRAYSIDE_PUBLIC_KEY: '',
    };
    expect(parseFlags([], 'lenient', env)).toMatchObject({
      demo: 'always',
      demoBackend: false,
      simSpeed: 60,
      backend: 'http://127.0.0.1:8787',
      publicKey: undefined,
    });
    expect(parseFlags(['--sim-speed', '2', '--backend', 'http://127.0.0.1:1'], 'strict', env)).toMatchObject({
      simSpeed: 2,
      backend: 'http://127.0.0.1:1',
    });
  });

  it('strict (Node host): an unknown flag or a bad number stops with a message naming it', () => {
    expect(() => parseFlags(['--bogus'], 'strict', {})).toThrow(FlagError);
    expect(() => parseFlags(['--port', '70000'], 'strict', {})).toThrow('--port must be a whole number from 0 to 65535, got "70000"');
    expect(() => parseFlags(['--sim-speed=-1'], 'strict', {})).toThrow('--sim-speed must be a number of 0 or more, got "-1"');
  });

  it('lenient (Electron): Chromium’s own switches and positionals are ignored, a bad number falls back', () => {
    const flags = parseFlags(['.', '--no-sandbox', '--enable-features=X', '--demo', '--sim-speed', 'fast'], 'lenient', {});
    expect(flags).toMatchObject({ demo: 'always', simSpeed: 1 });
  });
});
