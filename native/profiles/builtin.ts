// The profiles that ship with the app, imported as JSON so every bundle (electron-vite, tsc)
// carries them without copying files, and validated at load like any OEM profile.
import genericHidBattery from './generic-hid-battery.json' with { type: 'json' };
import genericHidUps from './generic-hid-ups.json' with { type: 'json' };
import genericIppPrinter from './generic-ipp-printer.json' with { type: 'json' };
import simulatedPrinter from './simulated-printer.json' with { type: 'json' };
import type { DeviceProfile } from './profile-schema.js';
import { parseProfile } from './profiles.js';

/** The bundled profiles, parsed; a broken bundled file is a build bug and throws with the file and field. */
export function builtinProfiles(): DeviceProfile[] {
  return [
    parseProfile(simulatedPrinter, 'simulated-printer.json'),
    parseProfile(genericHidBattery, 'generic-hid-battery.json'),
    parseProfile(genericHidUps, 'generic-hid-ups.json'),
    parseProfile(genericIppPrinter, 'generic-ipp-printer.json'),
  ];
}
