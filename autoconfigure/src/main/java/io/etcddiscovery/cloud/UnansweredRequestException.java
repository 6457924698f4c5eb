/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.etcddiscovery.cloud;

import java.io.IOException;

/**
 * A request that the instance it was sent to never answered: its connection closed, or
 * was reset, before any byte of the answer
 * ({@link ConnectFailures#isClosedBeforeResponse}).
 * {@link UnansweredRequestGatewayFilter} reports such failures of Spring Cloud Gateway's
 * routes as this type, so that Gateway's {@code Retry} filter, which tells failures apart
 * by type only, can retry them and nothing else.
 *
 * @author etcd-discovery authors
 */
public class UnansweredRequestException extends IOException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param cause how the client reported the failure
	 */
	public UnansweredRequestException(Throwable cause) {
		super("The instance did not answer: " + ConnectFailures.describe(cause), cause);
	}

}
