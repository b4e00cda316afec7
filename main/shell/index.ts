// Placeholder entry until the Electron shell lands.
import { app } from 'electron';

void app.whenReady().then(() => undefined);
