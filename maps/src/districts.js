// Almaty's districts as the forms list them: sorted the same way in every language, named in the current one.
import { areaName, t } from './i18n.js';

export function sortedDistricts(districts) {
  return [...districts.features].sort((a, b) => a.properties.name_en.localeCompare(b.properties.name_en));
}

/** Fills `select` with a first "none" option (`noneKey`) and the districts, keeping the choice. */
export function fillDistrictOptions(select, districts, noneKey) {
  const chosen = select.value;
  select.replaceChildren(new Option(t(noneKey), ''));
  for (const feature of sortedDistricts(districts)) select.append(new Option(areaName(feature.properties), feature.id));
  select.value = chosen;
}
