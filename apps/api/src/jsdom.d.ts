// What openapi.test.ts uses of jsdom. @types/jsdom references the DOM lib, which would change the
// fetch and body types of the whole workspace program (it is typechecked as one); so only this.
declare module 'jsdom' {
  export interface FetchOptions {
    element?: unknown;
  }
  export class ResourceLoader {
    fetch(url: string, options: FetchOptions): Promise<Buffer> | null;
  }
  export class VirtualConsole {}
  interface DomWindow {
    document: { querySelectorAll(selector: string): Iterable<{ textContent: string | null }> };
    close(): void;
  }
  export class JSDOM {
    static fromURL(
      url: string,
      options: {
        runScripts?: 'dangerously' | 'outside-only';
        resources?: ResourceLoader | 'usable';
        pretendToBeVisual?: boolean;
        virtualConsole?: VirtualConsole;
        beforeParse?(window: object): void;
      },
    ): Promise<JSDOM>;
    readonly window: DomWindow;
  }
}
