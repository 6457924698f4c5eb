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

import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;

/**
 * The idempotent HTTP methods of RFC 9110 (section 9.2.2): GET, HEAD, OPTIONS, TRACE, PUT
 * and DELETE. POST, PATCH and other methods are not: sending one twice may do twice what
 * it asks.
 *
 * @author etcd-discovery authors
 */
public final class IdempotentMethods {

	private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);

	private IdempotentMethods() {
	}

	/**
	 * Whether the given method is idempotent.
	 * @param method the method, or {@code null}
	 * @return whether it is
	 */
	public static boolean isIdempotent(@Nullable HttpMethod method) {
		return method != null && IDEMPOTENT.contains(method);
	}

}
