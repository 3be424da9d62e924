// The région and the service's name, as the site build wrote them on <html> (chalicelib/regions/<code>.json).
const data = document.documentElement.dataset;

export const service = data.service;
export const regionName = data.region;
export const regionLabel = data.regionLabel;

export function pageTitle(title) {
  return `${title} — ${service}, ${regionLabel}`;
}
