/**
 * The ECDSA P-256 key pair with which the provider simulator signs its SendGrid Event Webhook
 * POSTs, fixed so that a tracker can verify them without any coordination.
 *
 * THIS KEY PAIR IS PUBLIC: it is committed to an open-source repository. It exists for the
 * simulator only and must never be configured as the verification key of a real SendGrid
 * account — anyone could forge "delivered" events with it.
 *
 * Kept beside the config schema, whose SENDGRID_WEBHOOK_PUBLIC_KEY defaults to it, so that
 * neither the config nor the simulator has to load libs/providers (and its SDKs) to reach it.
 */

/** Base64 DER SubjectPublicKeyInfo, the `MFkw…` form SendGrid shows under Mail Settings. */
export const SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEb7FQAHExBWn973HNGs20a/ElCzHXSPz3gkrEwO33quuRKNDzz9OZ6q/KioKGOyUgHh8pJGyY9OpvxKbmsQgsyA==';

/** PKCS#8 PEM; only the simulator signs with it. */
export const SIMULATOR_EVENT_WEBHOOK_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgdisHFC+WAWAXqYL2
2MIA+6u4nTBtDTdB4/3KFoLpf1GhRANCAARvsVAAcTEFaf3vcc0azbRr8SULMddI
/PeCSsTA7feq65Eo0PPP05nqr8qKgoY7JSAeHykkbJj06m/EpuaxCCzI
-----END PRIVATE KEY-----
`;
