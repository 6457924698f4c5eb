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
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Tells the failures of a request that the server it was sent to never answered, in two
 * kinds.
 * <p>
 * A <em>connect failure</em>: the connection was refused or could not be established in
 * time, so nothing was sent. Recognised anywhere in the cause chain, as each HTTP client
 * reports them:
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
 * <p>
 * A connection <em>closed before any response byte</em> (see
 * {@link #isClosedBeforeResponse(Throwable)}): the request may have reached the server,
 * which died (or closed the connection) before it wrote the first byte of an answer, the
 * fate of the requests in flight when an instance is killed. RFC 9110 (section 9.2.2)
 * lets a client send an idempotent request again then.
 * <p>
 * Anything else may come after the server began to answer, or while it still works on the
 * request: a read timeout, a partial response, a connection reset that the client cannot
 * tell from one after a partial response.
 *
 * @author etcd-discovery authors
 */
public final class ConnectFailures {

	private static final String APACHE_CONNECT_TIMEOUT = "org.apache.hc.client5.http.ConnectTimeoutException";

	private static final String APACHE_NO_RESPONSE = "org.apache.hc.core5.http.NoHttpResponseException";

	private static final String REACTOR_NETTY_PREMATURE_CLOSE = "reactor.netty.http.client.PrematureCloseException";

	// What Netty's native transports (epoll, io_uring, kqueue) throw for an error of the
	// socket itself (a reset, a broken pipe); Netty's NIO transport throws the JDK's
	// SocketException.
	private static final String NETTY_NATIVE_IO_EXCEPTION = "io.netty.channel.unix.Errors$NativeIoException";

	// The JDK HttpClient wraps what ended the connection (an EOFException when it was
	// closed, a SocketException when it was reset) in a plain IOException that names the
	// state of its response parser: this message in its initial state, "parsing HTTP/1.1
	// status line ..." or "... header ..." after some bytes. The types are the same for
	// both, so the message is all there is to tell them apart
	// (jdk.internal.net.http.Http1HeaderParser.currentStateMessage).
	private static final String JDK_NO_BYTES = "HTTP/1.1 header parser received no bytes";

	// Reactor Netty's PrematureCloseException is one type for both: "Connection
	// prematurely closed BEFORE response" (or "... BEFORE response, while sending request
	// body") before the response began, "... DURING response" after.
	private static final String REACTOR_NETTY_BEFORE_RESPONSE = "BEFORE response";

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

	/**
	 * Whether the given failure means that the connection of the request closed, or was
	 * reset, before any byte of a response arrived: the server may have received the
	 * request, and did not answer it. Recognised anywhere in the cause chain, as each
	 * HTTP client reports it:
	 * <ul>
	 * <li>the JDK {@code HttpClient}: a plain {@link IOException} "HTTP/1.1 header parser
	 * received no bytes" caused by the {@code IOException} that ended the connection (an
	 * {@code EOFException} when it closed, a {@code SocketException} when it was reset);
	 * the same types with another message ("parsing HTTP/1.1 status line ...") tell a
	 * partial response;</li>
	 * <li>Reactor Netty: its {@code PrematureCloseException} "Connection prematurely
	 * closed BEFORE response" (also "... BEFORE response, while sending request body");
	 * "DURING response" is not;</li>
	 * <li>Apache HttpClient 5: {@code NoHttpResponseException}.</li>
	 * </ul>
	 * Not recognised, because the client reports them the same whether or not response
	 * bytes came first: a reset connection with Reactor Netty or Apache HttpClient
	 * ({@code Connection reset}), and {@code HttpURLConnection}'s
	 * {@code Unexpected end of file from server} (fewer than eight bytes read;
	 * {@code HttpURLConnection} already sends a {@code GET} again once itself then, and a
	 * dead server then refuses the connection, a {@linkplain #isConnectFailure(Throwable)
	 * connect failure}).
	 * @param failure the failure, or {@code null}
	 * @return whether it, or one of its causes, is a connection closed before any
	 * response byte
	 */
	public static boolean isClosedBeforeResponse(@Nullable Throwable failure) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
			if (isItselfClosedBeforeResponse(current)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the connection of the request broke at the socket level: reset by the
	 * server (its process killed with the request in flight, or on a kept-alive
	 * connection it had closed), or a broken pipe. Recognised anywhere in the cause chain
	 * by type: a {@link java.net.SocketException} (the JDK's sockets and Netty's NIO
	 * transport, {@code Connection reset}) or the I/O error of one of Netty's native
	 * transports ({@code io.netty.channel.unix.Errors$NativeIoException}, epoll's
	 * {@code Connection reset by peer}); a refused connection is one too. The clients
	 * report a reset the same whether or not response bytes came first, so on its own it
	 * does not say the request was unanswered: only a caller that knows no response began
	 * can tell, as {@link UnansweredRequestGatewayFilter} does with Gateway's exchange.
	 * @param failure the failure, or {@code null}
	 * @return whether it, or one of its causes, is a broken connection
	 */
	public static boolean isConnectionBroken(@Nullable Throwable failure) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
			if (current instanceof java.net.SocketException || hasType(current, NETTY_NATIVE_IO_EXCEPTION)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the server the request was sent to never answered it: a
	 * {@linkplain #isConnectFailure(Throwable) connect failure} or a connection
	 * {@linkplain #isClosedBeforeResponse(Throwable) closed before any response byte}. An
	 * idempotent request that failed so can be sent to another instance.
	 * @param failure the failure, or {@code null}
	 * @return whether the request was not answered at all
	 */
	public static boolean isUnanswered(@Nullable Throwable failure) {
		return isConnectFailure(failure) || isClosedBeforeResponse(failure);
	}

	/**
	 * Whether a failure that is known to have come before the response's status and
	 * headers were complete means that the instance never answered the request: it is
	 * {@linkplain #isUnanswered(Throwable) unanswered}, or its connection
	 * {@linkplain #isConnectionBroken(Throwable) broke} (a reset, which the clients
	 * report alike before and after part of an answer, can then only have come before any
	 * of the answer reached the caller). A load balancer's retry sees only such failures:
	 * Spring Cloud retries the exchange, which ends once the status and headers are in,
	 * and the body is read after it ({@code RetryLoadBalancerInterceptor} around
	 * {@code ClientHttpRequestExecution.execute}, OpenFeign's client around
	 * {@code Client.execute}, and a {@code WebClientRequestException}, which wraps only
	 * failures before the response). A read timeout is never one of them.
	 * @param failure the failure, or {@code null}
	 * @return whether the request was not answered
	 */
	public static boolean isUnansweredBeforeResponseHead(@Nullable Throwable failure) {
		return isUnanswered(failure) || isConnectionBroken(failure);
	}

	private static boolean isItselfClosedBeforeResponse(Throwable failure) {
		if (!(failure instanceof IOException)) {
			return false;
		}
		String message = failure.getMessage();
		if (hasType(failure, REACTOR_NETTY_PREMATURE_CLOSE)) {
			return message != null && message.contains(REACTOR_NETTY_BEFORE_RESPONSE);
		}
		if (hasType(failure, APACHE_NO_RESPONSE)) {
			return true;
		}
		return failure.getClass() == IOException.class && JDK_NO_BYTES.equals(message)
				&& (failure.getCause() instanceof IOException);
	}

	private static boolean hasType(Throwable failure, String typeName) {
		for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
			if (typeName.equals(type.getName())) {
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
		return hasType(failure, APACHE_CONNECT_TIMEOUT);
	}

	/**
	 * Describe a connect failure, or a connection closed before any response byte, in one
	 * line, for logs and the discovery endpoint.
	 * @param failure the failure
	 * @return for example {@code ConnectException: Connection refused}
	 */
	public static String describe(Throwable failure) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		Throwable described = failure;
		for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
			if (isItselfConnectFailure(current) || isItselfClosedBeforeResponse(current)) {
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
