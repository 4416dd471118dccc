import type { Principal } from "../auth/principal";

export interface AppVariables {
  requestId: string;
  principal: Principal;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
