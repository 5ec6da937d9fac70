/**
 * What an extraction attack costs at an API's public price: units (calls, minutes, characters)
 * beyond the free tier, times the price per block of units. Krishna et al.'s slide prices an
 * SST-2-sized attack on Google Cloud Natural Language at ≤ $1.00 per 1,000 calls.
 */
export interface PriceModel {
  /** What is counted ("call", "minute", "character"). */
  unit: string;
  /** Price in dollars per `per` units. */
  price: number;
  /** Units per priced block. */
  per: number;
  /** Units free each month. Default 0. */
  freeUnits?: number;
}

/** The cloud price calculator's rows the slides use (2019–2021 list prices). */
export const PRICES: Record<string, PriceModel & { service: string }> = {
  "natural-language": { service: "Google Cloud Natural Language (sentiment)", unit: "call", price: 1.0, per: 1000, freeUnits: 5000 },
  "speech-to-text": { service: "Google Cloud Speech-to-Text", unit: "minute", price: 0.024, per: 1, freeUnits: 60 },
  translation: { service: "Google Cloud Translation", unit: "character", price: 20, per: 1_000_000, freeUnits: 0 },
};

/** Dollars for `units`, rounded to cents. */
export function apiCost(units: number, model: PriceModel): number {
  if (!(units >= 0)) throw new Error(`units must be a non-negative number, got ${units}`);
  const billed = Math.max(0, units - (model.freeUnits ?? 0));
  return Math.round((billed / model.per) * model.price * 100) / 100;
}

/** The slides' "upper-bound price" table, computed: SST-2 sentences, Switchboard hours, 1 M translated sentences. */
export function slideCostTable(): { dataset: string; size: string; units: number; unit: string; "price ($)": number }[] {
  const rows: [string, string, number, string][] = [
    ["SST2 (sentiment classify)", "67,349 sentences", 67349, "natural-language"],
    ["Switchboard (speech)", "300 hours", 300 * 60, "speech-to-text"],
    ["Translation", "1 million sentences (100 characters each)", 1_000_000 * 100, "translation"],
  ];
  return rows.map(([dataset, size, units, price]) => ({ dataset, size, units, unit: PRICES[price].unit, "price ($)": apiCost(units, PRICES[price]) }));
}

/** The paper's prices, for the notebook to show beside ours. */
export const PAPER_COST_TABLE = [
  { dataset: "SST2 (sentiment classify)", "paper price ($)": 62.35 },
  { dataset: "Switchboard (speech)", "paper price ($)": 430.56 },
  { dataset: "Translation", "paper price ($)": 2000.0 },
];
