import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Translate, UiLanguage } from './i18n';
import type { Session } from './session';

export interface ConsoleContext {
  t: Translate;
  language: UiLanguage;
  session: Session | null;
  setSession(session: Session | null): void;
}

export const Console = createContext<ConsoleContext>(null as unknown as ConsoleContext);
export const useConsole = () => useContext(Console);

export function navigate(route: string): void {
  window.location.hash = `#${route}`;
}
