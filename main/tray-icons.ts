/// <reference types="electron-vite/node" />
import { readFileSync } from 'node:fs';
import { nativeImage, type NativeImage } from 'electron';
import type { TrayState } from '../core/tray-model.js';
import attention from '../assets/tray/tray-attention.png?asset';
import attention2x from '../assets/tray/tray-attention@2x.png?asset';
import attentionTemplate from '../assets/tray/tray-attentionTemplate.png?asset';
import attentionTemplate2x from '../assets/tray/tray-attentionTemplate@2x.png?asset';
import error from '../assets/tray/tray-error.png?asset';
import error2x from '../assets/tray/tray-error@2x.png?asset';
import errorTemplate from '../assets/tray/tray-errorTemplate.png?asset';
import errorTemplate2x from '../assets/tray/tray-errorTemplate@2x.png?asset';
import ok from '../assets/tray/tray-ok.png?asset';
import ok2x from '../assets/tray/tray-ok@2x.png?asset';
import okTemplate from '../assets/tray/tray-okTemplate.png?asset';
import okTemplate2x from '../assets/tray/tray-okTemplate@2x.png?asset';

// macOS tints template images for light and dark menu bars; elsewhere the icons carry their own colours.
const TEMPLATE_ICONS: Record<TrayState, [string, string]> = {
  ok: [okTemplate, okTemplate2x],
  attention: [attentionTemplate, attentionTemplate2x],
  error: [errorTemplate, errorTemplate2x],
};
const COLOUR_ICONS: Record<TrayState, [string, string]> = { ok: [ok, ok2x], attention: [attention, attention2x], error: [error, error2x] };

/**
 * Makes the tray image for a state, at 1x and 2x: template images on macOS, coloured ones elsewhere.
 * Reads the three 2x files once, here at start-up, so a state change never blocks on the disk.
 */
export function trayImagesSync(platform: NodeJS.Platform): (state: TrayState) => NativeImage {
  const mac = platform === 'darwin';
  const icons = mac ? TEMPLATE_ICONS : COLOUR_ICONS;
  // electron-vite copies assets with hashed names, so Electron's automatic @2x lookup cannot pair them: add the 2x representation by hand.
  const twoXBuffers = new Map((Object.keys(icons) as TrayState[]).map((state) => [state, readFileSync(icons[state][1])]));
  return (state) => {
    const image = nativeImage.createFromPath(icons[state][0]);
    const twoX = twoXBuffers.get(state);
    if (twoX) image.addRepresentation({ scaleFactor: 2, buffer: twoX });
    if (mac) image.setTemplateImage(true);
    return image;
  };
}
