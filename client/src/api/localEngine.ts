import { apiClient } from '@/lib/api-client';

/** One instruction of the local engine: its name, what it does, and prompts that use it. */
export interface LocalEngineInstruction {
  name: string;
  description: string;
  examples: string[];
}

export interface LocalEngineInstructions {
  instructions: LocalEngineInstruction[];
  /** Typed as a whole edit, these act as Undo and Redo ("undo", "undo that", "go back", "redo"). */
  version_commands: string[];
}

/** The vocabulary, from the list the server's parser uses (`GET /api/v1/local-engine/instructions/`). */
export function getLocalEngineInstructions(): Promise<LocalEngineInstructions> {
  return apiClient.get('/api/v1/local-engine/instructions/');
}
