// A middy middleware that logs an escaping error once, with its class and message (never a payload)
import type middy from '@middy/core';
import type { Logger } from '../ports/logger';

export const logErrors = (log: () => Logger): middy.MiddlewareObj => ({
  onError: async (request) => {
    const error = request.error;
    log().error('Invocation failed', {
      error_name: error?.name,
      error_message: error?.message,
      aws_request_id: request.context?.awsRequestId,
    });
  },
});
