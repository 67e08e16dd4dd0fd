// The page loads vega, vega-lite and vega-embed as classic scripts (/vendor/*.js), which
// define these globals; their packages' own types describe them.
import type * as Vega from 'vega';
import type VegaEmbed from 'vega-embed';

declare global {
  const vega: typeof Vega;
  const vegaEmbed: typeof VegaEmbed;
}
