// Before any @airtable/blocks import: it installs the simulated Airtable host. Only under jsdom —
// the bundle check runs in Node, where there is no window to install it in.
if (typeof window !== 'undefined') await import('@airtable/blocks-testing');
