// First, before any @airtable/blocks import: it installs the simulated Airtable host.
import '@airtable/blocks-testing';
