import type { Config } from '../config.js';
import type { ConfirmCheck } from '../core/checks/confirm-check.js';
import { contentTypeCheck } from '../core/checks/content-type-check.js';
import { imageRulesCheck } from '../core/checks/image-rules-check.js';
import { contentSniffer } from './content-sniffer.js';
import { imageMeasurer } from './image-measurer.js';

/**
 * Confirm's checks as configured, in the order they run, both over the one ranged read.
 * CONTENT_SNIFFING=off trusts the declared type: then there is no proven image to measure.
 */
export const confirmChecks = (config: Config): readonly ConfirmCheck[] =>
  config.contentSniffing === 'strict'
    ? [contentTypeCheck(contentSniffer), imageRulesCheck(imageMeasurer, config.imageLimits)]
    : [];
