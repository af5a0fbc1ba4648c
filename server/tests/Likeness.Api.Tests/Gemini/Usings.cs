// The emulator lives in its own project (server/tests/Likeness.GeminiEmulator), runnable on its own.
global using Likeness.Emulators.Gemini;
