export { signPayload, verifySignature, SIGNATURE_HEADER, EVENT_ID_HEADER } from './signature.ts';
export {
  deliverDueWebhooks,
  backoffMs,
  postWebhook,
  DELIVERY_ERRORS,
  type DeliverOptions,
  type DeliverSummary,
} from './deliver.ts';
export {
  createSubscription,
  listSubscriptions,
  deactivateSubscription,
  listDeliveries,
  type WebhookSubscription,
  type WebhookDelivery,
} from './subscriptions.ts';
export {
  assertWebhookTarget,
  nonPublicReason,
  resolveAllowedAddresses,
  DEFAULT_WEBHOOK_POLICY,
  type WebhookTargetPolicy,
} from './target-guard.ts';
