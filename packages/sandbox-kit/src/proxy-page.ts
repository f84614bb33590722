/** The look of the proxy in front of a vendor: its reason phrases and, for nginx, its signature. */
export interface ProxyStyle {
  reasons: Record<number, string>;
  /** A line under the title, as nginx adds `<hr><center>nginx</center>`. */
  signature?: string;
}

/** What a proxy answers when the application behind it fails: HTML, not JSON. */
export function proxyErrorPage(status: number, style: ProxyStyle): string {
  const title = `${status} ${style.reasons[status] ?? 'Error'}`;
  const signature = style.signature === undefined ? '' : `<hr><center>${style.signature}</center>\r\n`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n${signature}</body>\r\n</html>\r\n`;
}
