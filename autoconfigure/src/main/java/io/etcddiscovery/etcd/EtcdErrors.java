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

import java.net.ConnectException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.jspecify.annotations.Nullable;

/**
 * Describes etcd failures in one line for logs, without a stack trace.
 * <p>
 * jetcd reports most connection problems as {@code UNAVAILABLE: io exception} and a
 * refused password as a bare {@code UNAUTHENTICATED}: the reason is further down the
 * cause chain, so that is where the description comes from.
 *
 * @author etcd-discovery authors
 */
public final class EtcdErrors {

	// "sun.security.validator.ValidatorException: " inside JDK messages says nothing to a
	// reader
	private static final Pattern EMBEDDED_EXCEPTION_NAME = Pattern
		.compile("(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ");

	private static final int MAX_CAUSES = 32;

	private static final String GENERIC_IO_FAILURE = "io exception";

	private static final String TLS_FAILURE = "TLS handshake with etcd failed: ";

	private static final String TLS_HANDSHAKE_HANDLER = "ClientTlsHandler";

	private static final String NO_TLS_HINT = " (etcd does not seem to serve TLS there: "
			+ "connect with http:// endpoints and no SSL bundle)";

	private EtcdErrors() {
	}

	/**
	 * Describe a failure in one line.
	 * @param failure the failure
	 * @return a one-line description
	 */
	public static String describe(Throwable failure) {
		List<Throwable> chain = causes(failure);
		String tls = describeTls(chain);
		if (tls != null) {
			return tls;
		}
		for (int i = 0; i < chain.size(); i++) {
			Throwable cause = chain.get(i);
			List<Throwable> deeper = chain.subList(i + 1, chain.size());
			if (cause instanceof EtcdException etcd) {
				String message = firstLine(etcd.getMessage());
				if (message.isBlank()) {
					// A refused password comes as UNAUTHENTICATED without a description:
					// what etcd said is in the cause.
					message = reason(deeper);
				}
				return etcd.getErrorCode() + (message.isBlank() ? "" : ": " + message) + hint(message);
			}
			if (cause instanceof StatusRuntimeException || cause instanceof StatusException) {
				Status status = Status.fromThrowable(cause);
				String description = firstLine(status.getDescription());
				if (description.isBlank() || GENERIC_IO_FAILURE.equals(description)) {
					// The cause says what happened: connection refused, reset, ...
					String reason = reason(deeper);
					description = reason.isBlank() ? description : reason;
				}
				return status.getCode() + (description.isBlank() ? "" : ": " + description) + hint(description);
			}
		}
		Throwable cause = chain.get(chain.size() - 1);
		return cause.getClass().getSimpleName()
				+ ((cause.getMessage() != null) ? ": " + firstLine(cause.getMessage()) : "");
	}

	/*
	 * Describe a failed TLS handshake from the outermost TLS or certificate exception in
	 * the chain: that one says what went wrong (an untrusted certificate, a host name
	 * that does not match, a client certificate etcd refused).
	 */
	private static @Nullable String describeTls(List<Throwable> chain) {
		for (int i = 0; i < chain.size(); i++) {
			Throwable cause = chain.get(i);
			if (cause instanceof SSLException || cause instanceof CertificateException
					|| cause.getClass().getName().equals("io.netty.handler.ssl.NotSslRecordException")) {
				String message = clean(firstLine(cause.getMessage()));
				return TLS_FAILURE + (message.isBlank() ? cause.getClass().getSimpleName() : message) + hint(message);
			}
			if (cause instanceof StatusRuntimeException || cause instanceof StatusException) {
				String fullDescription = String.valueOf(Status.fromThrowable(cause).getDescription());
				String description = firstLine(fullDescription);
				if (description.contains("TLS negotiation")) {
					return TLS_FAILURE + description + hint(description);
				}
				// grpc-netty lists the channel's handlers after an I/O failure; its TLS
				// handler leaves the pipeline once the handshake is done, so a connection
				// that was established but lost while it is there was lost in the
				// handshake.
				if (fullDescription.contains(TLS_HANDSHAKE_HANDLER) && !isConnectFailure(chain)) {
					String reason = reason(chain.subList(i + 1, chain.size()));
					return TLS_FAILURE + (reason.isBlank() ? description : reason) + NO_TLS_HINT;
				}
			}
		}
		return null;
	}

	private static String hint(String message) {
		if (message.contains("certification path")) {
			return " (etcd's certificate is not signed by a CA the client trusts)";
		}
		if (message.contains("certificate_required") || message.contains("bad_certificate")) {
			return " (etcd requires a client certificate signed by a CA it trusts)";
		}
		if (message.contains("not an SSL/TLS record") || message.contains("TLS negotiation")) {
			return NO_TLS_HINT;
		}
		if (message.contains("Network closed for unknown reason") || message.contains("Connection reset")) {
			return " (if etcd serves TLS, use https:// endpoints)";
		}
		if (message.contains("permission denied")) {
			return " (the roles of the etcd user do not permit this request)";
		}
		if (message.contains("user name is empty")) {
			return " (etcd requires authentication: configure a user name and password)";
		}
		return "";
	}

	/*
	 * Return the first thing a cause says about the failure: a gRPC status description
	 * (what etcd answered) or an exception message, skipping the generic ones.
	 */
	private static String reason(List<Throwable> causes) {
		for (Throwable cause : causes) {
			String reason;
			if (cause instanceof StatusRuntimeException || cause instanceof StatusException) {
				reason = firstLine(Status.fromThrowable(cause).getDescription());
				if (GENERIC_IO_FAILURE.equals(reason)) {
					reason = "";
				}
			}
			else {
				reason = clean(firstLine(cause.getMessage()));
			}
			if (!reason.isBlank()) {
				return reason;
			}
		}
		return "";
	}

	private static boolean isConnectFailure(List<Throwable> chain) {
		return chain.stream().anyMatch(ConnectException.class::isInstance);
	}

	private static String clean(String message) {
		return EMBEDDED_EXCEPTION_NAME.matcher(message).replaceAll("");
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable cause = failure; cause != null && !chain.contains(cause)
				&& chain.size() < MAX_CAUSES; cause = cause.getCause()) {
			chain.add(cause);
		}
		return chain;
	}

	/**
	 * Return whether jetcd resumes a watch by itself after this failure, from the last
	 * revision it saw: after {@code UNAVAILABLE} or {@code INTERNAL}, except when etcd
	 * has no leader. Its listener is told of the failure all the same.
	 * @param error the failure a watch's listener was told of
	 * @return whether the watch is resumed
	 */
	public static boolean isWatchResumedByJetcd(Throwable error) {
		return error instanceof EtcdException etcd
				&& (etcd.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.UNAVAILABLE
						|| etcd.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.INTERNAL)
				&& (etcd.getMessage() == null || !etcd.getMessage().contains("no leader"));
	}

	/**
	 * Return whether a failure means that a lease does not exist (any more).
	 * @param failure the failure
	 * @return whether the lease is gone
	 */
	public static boolean isLeaseNotFound(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof EtcdException etcd
					&& etcd.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.NOT_FOUND) {
				return true;
			}
			if (cause.getMessage() != null && cause.getMessage().contains("requested lease not found")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return whether etcd refused a call because the user's roles do not permit it: an
	 * answer from a member that works.
	 * @param failure the failure
	 * @return whether the call was refused for want of permission
	 */
	public static boolean isPermissionDenied(Throwable failure) {
		for (Throwable cause : causes(failure)) {
			if (cause instanceof EtcdException etcd) {
				return etcd.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.PERMISSION_DENIED;
			}
			if (cause instanceof StatusRuntimeException || cause instanceof StatusException) {
				return Status.fromThrowable(cause).getCode() == Status.Code.PERMISSION_DENIED;
			}
		}
		return false;
	}

	private static String firstLine(@Nullable String message) {
		return (message != null) ? message.lines().findFirst().orElse("") : "";
	}

}
