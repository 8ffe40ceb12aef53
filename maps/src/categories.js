// The six kinds of problem, their pictograms and colours (Okabe–Ito, distinguishable with the common colour
// vision deficiencies; every pictogram is also labelled in text, so colour never carries meaning alone).
// The order is the API's (GET /api/v1/map/config answers the slugs; these are only the drawings).

const STROKE = 'fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"';

const PICTOGRAMS = {
  pram: `<path d="M4 6h11a5 5 0 0 1-5 5H6.5A2.5 2.5 0 0 1 4 8.5z"/><path d="M15 6V4.5A1.5 1.5 0 0 1 16.5 3H19"/>
    <path d="M5 11l1.5 3.5h8L16 11"/><circle cx="7" cy="18" r="2.2"/><circle cx="15" cy="18" r="2.2"/>`,
  wheelchair: `<circle cx="10" cy="3.6" r="1.8"/><path d="M10 6.5v6h6l2.5 5.5"/><path d="M10 9.5h5"/>
    <path d="M7.5 9.8A5.6 5.6 0 1 0 15.2 17"/>`,
  bicycle: `<circle cx="5.5" cy="16" r="3.6"/><circle cx="18.5" cy="16" r="3.6"/>
    <path d="M5.5 16L9 8.5h6.5L18.5 16M9 8.5l3.5 7.5h-7M15.5 8.5l-3 7.5"/><path d="M8 6.5h3"/>`,
  limited_mobility: `<circle cx="10" cy="3.6" r="1.8"/><path d="M10 6.5l-1 6 2.5 3 1 5.5M9 12.5L7 20.5"/>
    <path d="M9.5 8.5l3.5 2.5 2-1.5"/><path d="M16.5 9.5v11.5"/>`,
  low_vision: `<path d="M2.5 12s3.5-6.5 9.5-6.5S21.5 12 21.5 12 18 18.5 12 18.5 2.5 12 2.5 12z"/>
    <circle cx="12" cy="12" r="3"/><path d="M4 20L20 4"/>`,
  other: `<circle cx="12" cy="12" r="9.2"/><path d="M12 7v6.5"/><circle cx="12" cy="16.8" r="0.6"/>`,
};

export const CATEGORY_COLOURS = {
  pram: '#E69F00',
  wheelchair: '#0072B2',
  bicycle: '#009E73',
  limited_mobility: '#CC79A7',
  low_vision: '#D55E00',
  other: '#56B4E9',
};

export const STATUS_COLOURS = {
  new: '#0072B2',
  confirmed: '#E69F00',
  planned: '#56B4E9',
  in_progress: '#CC79A7',
  resolved: '#009E73',
  rejected: '#6b6b6b',
  duplicate: '#8E7CC3',
};

/** The pictogram of `category` as inline SVG (decorative: its text label stands beside it). */
export function pictogram(category, size = 40) {
  const body = PICTOGRAMS[category] || PICTOGRAMS.other;
  return `<svg class="pictogram" aria-hidden="true" focusable="false" width="${size}" height="${size}"
    viewBox="0 0 24 24" ${STROKE}>${body}</svg>`;
}

/** A MapLibre `match` expression colouring features by their `category` property. */
export function categoryColourExpression() {
  const expression = ['match', ['get', 'category']];
  for (const [slug, colour] of Object.entries(CATEGORY_COLOURS)) expression.push(slug, colour);
  expression.push('#777777');
  return expression;
}
