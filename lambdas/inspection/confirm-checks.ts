import type { Config } from '../config.js';
import type { ConfirmCheck } from '../core/checks/confirm-check.js';
import { contentTypeCheck } from '../core/checks/content-type-check.js';
import { contentSniffer } from './content-sniffer.js';

/** Confirm's checks as configured, in the order they run: cheapest first. */
export const confirmChecks = (config: Config): readonly ConfirmCheck[] => [
  ...(config.contentSniffing === 'strict' ? [contentTypeCheck(contentSniffer)] : []),
];
