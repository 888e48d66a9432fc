import { createServer, Server } from 'node:http';
import { JWTPayload, KeyLike, SignJWT, exportJWK, generateKeyPair } from 'jose';

/**
 * A stand-in for an organisation's OIDC provider: an RS256 key pair made for the test and its
 * public half published as a JWKS on loopback. `sign` issues tokens as the provider would.
 */
export class TestIdentityProvider {
  static readonly issuer = 'https://idp.bin-alert.test/realms/police';
  static readonly audience = 'bin-alert-intake';

  private constructor(
    private readonly server: Server,
    readonly jwksUrl: string,
    private readonly privateKey: KeyLike,
    readonly keyId: string,
  ) {}

  static async start(): Promise<TestIdentityProvider> {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const keyId = 'test-key-1';
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: keyId, alg: 'RS256', use: 'sig' }] });
    const server = createServer((req, res) => {
      if (req.url !== '/jwks') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return new TestIdentityProvider(server, `http://127.0.0.1:${port}/jwks`, privateKey, keyId);
  }

  /** A token as the provider issues it; override anything to forge a bad one. */
  async sign(claims: JWTPayload, options: { issuer?: string; audience?: string; key?: KeyLike; keyId?: string; expiresIn?: string } = {}): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: options.keyId ?? this.keyId })
      .setIssuer(options.issuer ?? TestIdentityProvider.issuer)
      .setAudience(options.audience ?? TestIdentityProvider.audience)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(options.key ?? this.privateKey);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
