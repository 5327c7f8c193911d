export { addApiKey, verifyApiKey, revokeApiKey, hashApiKey } from './api-keys.ts';
export { toXml, escapeXml, type XmlValue } from './xml.ts';
export {
  listServices,
  serviceDefinition,
  toOpen311Request,
  open311Status,
  w3cShanghai,
  CLOSED_STATES,
  OPEN311_OPEN_STATES,
  type Open311Request,
  type Open311Service,
} from './mapping.ts';
