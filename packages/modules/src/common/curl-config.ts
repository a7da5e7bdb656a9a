/**
 * A line of a curl config file, `name = "value"`, quoted as curl reads it (\\ \" \n \r \t \v). Fed to
 * `curl -K -` on stdin, a URL, header or body never shows on the host's command line.
 */
export function curlConfigLine(name: string, value: string): string {
  const q = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\v/g, '\\v');
  return `${name} = "${q}"`;
}
