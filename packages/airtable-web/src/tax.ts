import { type FiscalZone, isRateOf, ratesOf } from '@faturador/core/vat';
import { cellNumber, cellText, foldText } from './cells.ts';
import type { AirtableBaseSettings } from './settings-schema.ts';

export interface TaxChoice {
  fiscal_zone: FiscalZone;
  vat_rate: number;
}

export type TaxResult =
  | { ok: true; tax: TaxChoice }
  | { ok: false; role: 'vat_rate' | 'fiscal_zone'; reason: string };

const ZONE_WORDS: Record<string, FiscalZone> = {
  pt: 'PT',
  continente: 'PT',
  portugal: 'PT',
  'portugal continental': 'PT',
  mainland: 'PT',
  'pt-ma': 'PT-MA',
  madeira: 'PT-MA',
  'regiao autonoma da madeira': 'PT-MA',
  'pt-ac': 'PT-AC',
  acores: 'PT-AC',
  azores: 'PT-AC',
  'regiao autonoma dos acores': 'PT-AC',
};

export function parseZone(text: string): FiscalZone | null {
  return ZONE_WORDS[foldText(text)] ?? null;
}

/** A percent field reads 0.06 for 6%; every VAT rate above 0 is at least 4, so a fraction is a percent. */
export function parseRate(value: unknown): number | null {
  const number = cellNumber(value);
  if (number === null) return null;
  const percent = number > 0 && number < 1 ? number * 100 : number;
  return Math.round(percent * 100) / 100;
}

export function matchLocation(settings: Pick<AirtableBaseSettings, 'location_rules'>, location: string) {
  const folded = foldText(location);
  if (folded === '') return null;
  return (
    settings.location_rules.find((rule) => rule.match.some((word) => folded.includes(foldText(word)))) ?? null
  );
}

/**
 * The zone and rate of a record, most specific first: the record's own VAT rate, then its fiscal
 * zone, then the location rules, then the base's defaults. An explicit rate that is not a rate of
 * the zone is refused rather than silently replaced.
 */
export function resolveTax(
  settings: Pick<AirtableBaseSettings, 'location_rules' | 'default_fiscal_zone' | 'default_vat_rate'>,
  cells: { vat_rate?: unknown; fiscal_zone?: unknown; location?: unknown },
): TaxResult {
  const zoneText = cellText(cells.fiscal_zone);
  const explicitZone = zoneText ? parseZone(zoneText) : null;
  if (zoneText && !explicitZone) {
    return {
      ok: false,
      role: 'fiscal_zone',
      reason: `«${zoneText}» não é uma zona fiscal (Continente, Madeira ou Açores)`,
    };
  }
  const rule = explicitZone ? null : matchLocation(settings, cellText(cells.location));
  const fiscal_zone = explicitZone ?? rule?.fiscal_zone ?? settings.default_fiscal_zone;

  const rateText = cellText(cells.vat_rate);
  if (rateText !== '') {
    const rate = parseRate(cells.vat_rate);
    if (rate === null || !isRateOf(fiscal_zone, rate)) {
      return {
        ok: false,
        role: 'vat_rate',
        reason: `a taxa de IVA «${rateText}» não existe na zona ${fiscal_zone} (${ratesOf(fiscal_zone).join('%, ')}%)`,
      };
    }
    return { ok: true, tax: { fiscal_zone, vat_rate: rate } };
  }
  if (rule) return { ok: true, tax: { fiscal_zone, vat_rate: rule.vat_rate } };
  if (explicitZone && explicitZone !== settings.default_fiscal_zone) {
    // A zone without a rate: the same kind of rate (reduced, normal…) as the default, in that zone.
    const defaults = ratesOf(settings.default_fiscal_zone);
    const index = defaults.indexOf(settings.default_vat_rate);
    const rate = ratesOf(explicitZone)[index];
    if (rate !== undefined) return { ok: true, tax: { fiscal_zone, vat_rate: rate } };
  }
  return { ok: true, tax: { fiscal_zone, vat_rate: settings.default_vat_rate } };
}
