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

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Tells the failures of a request that never reached the server: the connection was
 * refused or could not be established in time, so nothing was sent. Such a request can be
 * sent to another instance whatever it does; any other failure (a read timeout, a
 * connection reset or closed while waiting for the response) may come after the server
 * received the request.
 * <p>
 * Recognised anywhere in the cause chain, as each HTTP client reports them:
 * <ul>
 * <li>{@link ConnectException} and its subclasses: connection refused (every client),
 * Netty's connect timeout ({@code io.netty.channel.ConnectTimeoutException}), Apache
 * HttpClient's {@code HttpHostConnectException};</li>
 * <li>{@link NoRouteToHostException};</li>
 * <li>the JDK {@code HttpClient}'s {@link HttpConnectTimeoutException};</li>
 * <li>Apache HttpClient 5's {@code org.apache.hc.client5.http.ConnectTimeoutException}
 * (by name: it is not on every classpath);</li>
 * <li>a {@link SocketTimeoutException} from {@code Socket.connect} (the JDK says "Connect
 * timed out"; a read timeout says "Read timed out").</li>
 * </ul>
 *
 * @author etcd-discovery authors
 */
public final class ConnectFailures {

	private static final String APACHE_CONNECT_TIMEOUT = "org.apache.hc.client5.http.ConnectTimeoutException";

	private ConnectFailures() {
	}

	/**
	 * Whether the given failure means that the request was never sent.
	 * @param failure the failure, or {@code null}
	 * @return whether it, or one of its causes, is a connect failure
	 */
	public static boolean isConnectFailure(@Nullable Throwable failure) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
			if (isItselfConnectFailure(current)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isItselfConnectFailure(Throwable failure) {
		if (failure instanceof ConnectException || failure instanceof NoRouteToHostException
				|| failure instanceof HttpConnectTimeoutException) {
			return true;
		}
		if (failure instanceof SocketTimeoutException) {
			String message = failure.getMessage();
			return message != null && message.startsWith("Connect timed out");
		}
		for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
			if (APACHE_CONNECT_TIMEOUT.equals(type.getName())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Describe a connect failure in one line, for logs and the discovery endpoint.
	 * @param failure the failure
	 * @return for example {@code ConnectException: Connection refused}
	 */
	public static String describe(Throwable failure) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		Throwable described = failure;
		for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
			if (isItselfConnectFailure(current)) {
				described = current;
				break;
			}
		}
		String message = described.getMessage();
		String type = described.getClass().getSimpleName();
		if (message == null || message.isBlank()) {
			return type;
		}
		String firstLine = message.lines().findFirst().orElse("").trim();
		return type + ": " + ((firstLine.length() > 200) ? firstLine.substring(0, 200) + "…" : firstLine);
	}

}
