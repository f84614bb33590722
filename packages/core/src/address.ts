/**
 * The seed contract carries one `address` line and no city or postcode. Where the line ends with
 * them, as Portuguese addresses are written (`Rua do Campo Grande 45, 1700-093 Lisboa` or
 * `Rua do Campo Grande 45, Lisboa`), the customer gets them instead of Moloni's "Desconhecido".
 * Only a last comma-separated part without digits counts as a city (`…, 3.º Esq.` is not one).
 */
const PT_POSTCODE_AND_CITY = /,\s*(\d{4})\s*-\s*(\d{3})\s+([^,\d]{2,50}?)\s*$/u;
const CITY_ONLY = /,\s*(\p{L}[\p{L}\s'.-]{1,49}?)\s*$/u;

export function cityFromAddress(address: string): { city?: string; zipCode?: string } {
  const withPostcode = PT_POSTCODE_AND_CITY.exec(address);
  if (withPostcode) {
    const [, head = '', tail = '', city = ''] = withPostcode;
    return { city: city.trim(), zipCode: `${head}-${tail}` };
  }
  const cityOnly = CITY_ONLY.exec(address);
  return cityOnly?.[1] ? { city: cityOnly[1].trim() } : {};
}
