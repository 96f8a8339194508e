// A real OpenID provider for the sign-in tests and for trying sign-in by hand: node's oidc-provider
// with its development interactions (a login page that takes any login name, then a consent click).
//
//   node tests/oidc/provider.mjs [port] [redirect URI ...]
//
// Defaults: port 5590, the redirect URI of `make run` (http://127.0.0.1:5000/auth/oidc/callback).
// One client: id "courses", secret "secret". Each login name is an account whose e-mail,
// `<name>@example.com`, is verified; its name and preferred_username are the login name. The keys and
// the store are in memory: every start is a new provider, as tests want.
import Provider from 'oidc-provider';

const port = Number(process.argv[2] || 5590);
const redirectUris = process.argv.slice(3);
if (!redirectUris.length) redirectUris.push('http://127.0.0.1:5000/auth/oidc/callback');

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{ client_id: 'courses', client_secret: 'secret', redirect_uris: redirectUris }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({
      sub: id, email: `${id}@example.com`, email_verified: true, name: id, preferred_username: id,
    }),
  }),
  features: { devInteractions: { enabled: true } },
  // Signed cookies need keys; these are for a test provider only.
  cookies: { keys: ['test-provider-cookie-key'] },
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`OpenID provider listening on http://127.0.0.1:${port} (client "courses", redirect ${redirectUris.join(', ')})`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
