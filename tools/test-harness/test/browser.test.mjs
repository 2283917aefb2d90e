import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, ValueBrowser, cookiesOf } from '../index.mjs';

let server;
let url;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/set') {
      res.setHeader('set-cookie', ['a=1; Path=/; HttpOnly', 'b=2; Max-Age=60']);
      res.writeHead(302, { location: '/echo' }).end();
    } else if (path === '/clear') {
      res.setHeader('set-cookie', ['a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'b=2; Max-Age=0']);
      res.end();
    } else if (path === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
    } else {
      res.end(req.headers.cookie ?? '');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('Browser', () => {
  it('follows redirects by hand and sends the cookies it was given', async () => {
    const browser = new Browser();
    const { hops, response } = await browser.follow(`${url}/set`);
    expect(hops).toEqual([{ url: `${url}/set`, status: 302 }, { url: `${url}/echo`, status: 200 }]);
    expect(await response.text()).toBe('a=1; b=2');
    expect(browser.cookies(url).get('a')).toEqual({ value: '1', attributes: ' Path=/; HttpOnly' });
    expect(browser.setCookies).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Max-Age=60']);
  });

  it('deletes cookies on Max-Age=0 or a 1970 Expires, and stops a redirect loop after 10 redirects', async () => {
    const browser = new ValueBrowser();
    await browser.fetch(`${url}/set`);
    expect(browser.cookies(url).get('a')).toBe('1');
    await browser.fetch(`${url}/clear`);
    expect(browser.cookies(url).size).toBe(0);
    const { hops } = await browser.follow(`${url}/loop`);
    expect(hops).toHaveLength(11);
  });

  it('cookiesOf reads name=value of every Set-Cookie', async () => {
    const response = await fetch(`${url}/set`, { redirect: 'manual' });
    expect([...cookiesOf(response)]).toEqual([['a', '1'], ['b', '2']]);
  });
});
