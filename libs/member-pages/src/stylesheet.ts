import { createHash } from 'node:crypto';

/**
 * The member pages' one stylesheet. Mobile first (most links are opened from a phone), system
 * fonts, every text colour at least 4.5:1 on its background, a focus ring nobody can miss.
 */
export const MEMBER_STYLESHEET = `
:root {
  --ink: #1a1a1a; --muted: #4a4a4a; --line: #8a8a8a; --bg: #fff; --panel: #f3f4f6;
  --accent: #0b4f9c; --accent-dark: #083a73; --good: #17613a; --good-bg: #e3f3e9;
  --bad: #a3001b; --bad-bg: #fdecee; --info-bg: #e8f0fb; --focus: #ffbf47;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  font-size: 100%; line-height: 1.5; color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); text-underline-offset: 2px; }
a:hover { color: var(--accent-dark); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--ink); }
.skip { position: absolute; left: -999px; top: 0; background: var(--focus); color: var(--ink); padding: .6rem 1rem; z-index: 10; }
.skip:focus { left: 0; }
.top { background: #0f2540; color: #fff; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between; }
.brand { margin: 0; font-weight: 700; font-size: 1.15rem; }
.tagline { display: block; font-weight: 400; font-size: .85rem; }
.languages ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem; }
.languages a { color: #fff; display: inline-block; padding: .4rem .6rem; min-height: 44px; line-height: 1.6; border-radius: 4px; }
.languages a[aria-current='true'] { background: #fff; color: #0f2540; font-weight: 700; text-decoration: none; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
main:focus { outline: none; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 1rem 0; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
p { margin: .5rem 0 1rem; }
.lead { font-size: 1.1rem; }
.hint { color: var(--muted); margin: 0 0 .4rem; font-size: .95rem; }
.field { margin: 0 0 1.25rem; }
.field.has-error { border-left: 4px solid var(--bad); padding-left: .75rem; }
.error { color: var(--bad); font-weight: 700; margin: 0 0 .4rem; }
label, legend { font-weight: 700; display: block; margin: 0 0 .3rem; }
fieldset { border: 0; padding: 0; margin: 0 0 1.5rem; min-width: 0; }
fieldset.group { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; }
legend { padding: 0 .25rem; font-size: 1.05rem; }
input[type=text], input[type=email], input[type=tel], input[type=time], select {
  font: inherit; width: 100%; max-width: 28rem; min-height: 44px; padding: .5rem .6rem;
  border: 2px solid var(--ink); border-radius: 4px; background: #fff; color: var(--ink);
}
input.code { max-width: 9rem; letter-spacing: .3em; font-size: 1.3rem; }
input[type=time] { max-width: 9rem; }
[aria-invalid=true] { border-color: var(--bad); }
.choice { display: flex; gap: .6rem; align-items: flex-start; margin: .4rem 0; }
.choice input { width: 1.4rem; height: 1.4rem; margin: .15rem 0 0; flex: none; accent-color: var(--accent); }
.choice label { font-weight: 400; margin: 0; }
.choices { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 0 1rem; }
.times { display: flex; gap: 1rem; flex-wrap: wrap; }
.times .field { margin: 0; }
button { font: inherit; font-weight: 700; min-height: 44px; padding: .6rem 1.2rem; border-radius: 4px; border: 2px solid transparent; cursor: pointer; }
button.primary { background: var(--accent); color: #fff; }
button.primary:hover { background: var(--accent-dark); }
button.secondary { background: #fff; color: var(--accent); border-color: var(--accent); }
button.danger { background: var(--bad); color: #fff; }
.one-button { margin: 1rem 0 1.5rem; }
.notice { border-left: 6px solid; padding: .6rem 1rem; margin: 0 0 1.5rem; border-radius: 0 4px 4px 0; }
.notice p { margin: .25rem 0; }
.notice.success { border-color: var(--good); background: var(--good-bg); }
.notice.error { border-color: var(--bad); background: var(--bad-bg); }
.notice.info { border-color: var(--accent); background: var(--info-bg); }
.notice h2 { margin-top: .25rem; font-size: 1.1rem; }
.notice ul { margin: .25rem 0; padding-left: 1.25rem; }
.steps { padding-left: 1.25rem; }
.steps li { margin: 0 0 .6rem; }
.steps .done { color: var(--good); font-weight: 700; }
.category-about { color: var(--muted); margin: 0 0 .5rem; }
.mandatory { background: var(--panel); padding: .5rem .75rem; border-radius: 4px; }
.badge { display: inline-block; font-size: .85rem; padding: 0 .4rem; border-radius: 4px; background: var(--panel); color: var(--muted); }
.links { border-top: 1px solid var(--line); margin-top: 2rem; padding-top: 1rem; }
.bottom { max-width: 40rem; margin: 0 auto; padding: 1rem; color: var(--muted); font-size: .9rem; border-top: 1px solid var(--line); }
@media (min-width: 48rem) { h1 { font-size: 2rem; } main { padding-top: 1.5rem; } }
`;

/** Named by its content, so a browser may keep it for a year and still never use a stale one. */
export const MEMBER_STYLESHEET_URL = `/member-pages.css?v=${createHash('sha256').update(MEMBER_STYLESHEET).digest('hex').slice(0, 12)}`;
