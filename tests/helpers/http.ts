// An HTTP client for API tests: remembers the session cookie and sends a same-origin Origin
// header like a browser, unless told otherwise.
export class Client {
  cookie?: string;
  token?: string;
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async request(method: string, path: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; origin?: string | null } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined || options.rawBody !== undefined) headers["content-type"] ??= "application/json";
    if (this.cookie) headers.cookie = this.cookie;
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const origin = options.origin === undefined ? this.baseUrl : options.origin;
    if (origin) headers.origin = origin;
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers,
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      redirect: "manual",
    });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0];
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, headers: response.headers, json: json as any, text };
  }

  get = (path: string, options?: Parameters<Client["request"]>[2]) => this.request("GET", path, options);
  post = (path: string, body?: unknown, options?: Parameters<Client["request"]>[2]) => this.request("POST", path, { ...options, body });
  put = (path: string, body?: unknown, options?: Parameters<Client["request"]>[2]) => this.request("PUT", path, { ...options, body });
  patch = (path: string, body?: unknown, options?: Parameters<Client["request"]>[2]) => this.request("PATCH", path, { ...options, body });
  delete = (path: string, options?: Parameters<Client["request"]>[2]) => this.request("DELETE", path, options);

  async login(email: string, password: string) {
    const res = await this.post("/auth/login", { email, password });
    if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${res.text}`);
    return this;
  }
}
