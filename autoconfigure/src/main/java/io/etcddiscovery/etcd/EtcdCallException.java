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

package io.etcddiscovery.etcd;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a call to etcd failed, timed out or was interrupted; the message says which
 * call, in one line.
 *
 * @author etcd-discovery authors
 * @see EtcdCalls#await
 */
public class EtcdCallException extends RuntimeException {

	/**
	 * Create a new exception.
	 * @param message what failed, in one line
	 * @param cause the cause, or {@code null}
	 */
	public EtcdCallException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
