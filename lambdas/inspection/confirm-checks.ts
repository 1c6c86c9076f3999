import type { Config } from '../config.js';
import type { ConfirmCheck } from '../core/checks/confirm-check.js';
import { contentTypeCheck } from '../core/checks/content-type-check.js';
import { imageRulesCheck } from '../core/checks/image-rules-check.js';
import { contentSniffer } from './content-sniffer.js';
import { imageMeasurer } from './image-measurer.js';
import { malwareCheck, type CleanScans } from '../core/checks/malware-check.js';
import { clamdScanner } from './clamd-scanner.js';
import { guardDutyCheck, type ObjectTags } from '../core/checks/guardduty-check.js';

/**
 * Confirm's checks as configured, in the order they run, both over the one ranged read.
 * CONTENT_SNIFFING=off trusts the declared type: then there is no proven image to measure.
 */
export const confirmChecks = (
  config: Config,
  { cleanScans, tags }: { cleanScans: CleanScans; tags: ObjectTags },
): readonly ConfirmCheck[] => [
  ...(config.contentSniffing === 'strict'
    ? [contentTypeCheck(contentSniffer), imageRulesCheck(imageMeasurer, config.imageLimits)]
    : []),
  // Last: the scan reads every byte, so the cheap checks refuse first.
  ...(config.malwareScan === 'clamav'
    ? [
        malwareCheck({
          scanner: clamdScanner(config.clamd),
          cleanScans,
          maxBytes: config.clamd.streamMaxBytes,
        }),
      ]
    : []),
  ...(config.malwareScan === 'guardduty'
    ? [
        guardDutyCheck({
          tags,
          passStatuses: config.guardDutyPassStatuses,
          retryAfterSeconds: GUARDDUTY_RETRY_AFTER_SECONDS,
        }),
      ]
    : []),
];

/** GuardDuty scans most objects within seconds of the upload. */
const GUARDDUTY_RETRY_AFTER_SECONDS = 5;
