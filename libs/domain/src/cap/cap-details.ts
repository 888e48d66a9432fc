import type { CapCertainty, CapSeverity, CapUrgency } from './cap-mapping';

/**
 * What a CAP alert says beyond the alert's own terms, kept as it came so that an export writes it
 * back (ADR 0024): the elements this system does not act on (event, senderName, source, web,
 * resources, polygons…) and the exact values of those it maps (certainty, the eventCodes, geocodes
 * and parameters, ours and everyone else's). The members' text (headline, description,
 * instruction, contact) is not here: it is in the alert's texts, per language, as every channel
 * reads it. Values are the document's own strings, dates included (with their offset).
 */
export interface CapDetails {
  source?: string;
  scope: string;
  restriction?: string;
  addresses?: string;
  codes: string[];
  note?: string;
  /** As written: entries may name messages this system never received (another system's chain). */
  references: CapReference[];
  incidents?: string;
  /** One per info block, in the document's order; each has its own language (1:1 with the texts). */
  infos: CapInfoDetails[];
}

/** A CAP `references` entry: the alert it names is (sender, identifier); sent is informative. */
export interface CapReference {
  sender: string;
  identifier: string;
  sent: string;
}

export interface CapValuePair {
  valueName: string;
  value: string;
}

export interface CapInfoDetails {
  /** The tag as written (nl-BE, de-DE…); absent when the block named none (CAP's en-US). */
  language?: string;
  categories: string[];
  event: string;
  responseTypes: string[];
  urgency: CapUrgency;
  severity: CapSeverity;
  certainty: CapCertainty;
  audience?: string;
  /** Every eventCode in order, `bin-category` included. */
  eventCodes: CapValuePair[];
  effective?: string;
  onset?: string;
  expires?: string;
  senderName?: string;
  web?: string;
  /** Every parameter in order, `redistribution` included. */
  parameters: CapValuePair[];
  resources: CapResourceDetails[];
  areas: CapAreaDetails[];
}

/** CAP requires a description and a MIME type; a resource without is kept as it came. */
export interface CapResourceDetails {
  resourceDesc?: string;
  mimeType?: string;
  size?: string;
  uri?: string;
  derefUri?: string;
  digest?: string;
}

export interface CapAreaDetails {
  areaDesc: string;
  polygons: string[];
  circles: string[];
  /** Every geocode in order, `bin` included (AGS, SAME, warnVerwaltungsbereiche, NIS…). */
  geocodes: CapValuePair[];
  altitude?: string;
  ceiling?: string;
}

/** CAP 1.2's element order (the XSD's sequences), which the writer follows. */
export const CAP_RESOURCE_ORDER = ['resourceDesc', 'mimeType', 'size', 'uri', 'derefUri', 'digest'] as const;
