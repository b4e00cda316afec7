/** A USB vendor or product id as the four lower-case hex digits lsusb and the kernel print ("04b8"), for stable device ids. */
export function usbIdHex(value: number): string {
  return value.toString(16).padStart(4, '0');
}
