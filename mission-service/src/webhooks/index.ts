export { signPayload, verifySignature, SIGNATURE_HEADER, EVENT_ID_HEADER } from './signature.ts';
export { deliverDueWebhooks, backoffMs, type DeliverOptions, type DeliverSummary } from './deliver.ts';
export {
  createSubscription,
  listSubscriptions,
  deactivateSubscription,
  listDeliveries,
  type WebhookSubscription,
  type WebhookDelivery,
} from './subscriptions.ts';
