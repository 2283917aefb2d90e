// Entry of the workerd run: a module Worker whose fetch handler takes the scenario input as its
// JSON body and answers with the result.
import { runScenario } from './scenario.mjs';

export default {
  /** @param {Request} request */
  async fetch(request) {
    return Response.json(await runScenario(await request.json()));
  },
};
