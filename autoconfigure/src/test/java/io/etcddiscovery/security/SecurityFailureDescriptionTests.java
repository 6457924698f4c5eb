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

package io.etcddiscovery.security;

import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.util.concurrent.ExecutionException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcddiscovery.etcd.EtcdErrors;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link EtcdErrors} describes, in one line, the failures of a secured connection,
 * built the way jetcd and grpc-netty report them (the shapes were taken from real runs
 * against etcd 3.4).
 *
 * @author etcd-discovery authors
 */
class SecurityFailureDescriptionTests {

	private static final String IO_EXCEPTION_DURING_HANDSHAKE = "io exception\nChannel Pipeline: [SslHandler#0, "
			+ "ProtocolNegotiators$ClientTlsHandler#0, WriteBufferingAndExceptionHandler#0, "
			+ "DefaultChannelPipeline$TailContext#0]";

	@Test
	void untrustedServerCertificateNamesTheTlsHandshakeAndTheTrustProblem() {
		SSLHandshakeException handshake = new SSLHandshakeException(
				"PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: "
						+ "unable to find valid certification path to requested target");
		Throwable failure = new ExecutionException(
				Status.UNAVAILABLE.withDescription("io exception\nChannel Pipeline: [SslHandler#0]")
					.withCause(handshake)
					.asRuntimeException());
		assertThat(EtcdErrors.describe(failure)).isEqualTo("TLS handshake with etcd failed: PKIX path building failed: "
				+ "unable to find valid certification path to requested target "
				+ "(etcd's certificate is not signed by a CA the client trusts)");
	}

	@Test
	void refusedClientCertificateSaysThatEtcdRequiresOne() {
		Throwable failure = Status.UNAVAILABLE.withDescription("io exception")
			.withCause(new SSLException("Received fatal alert: bad_certificate"))
			.asRuntimeException();
		assertThat(EtcdErrors.describe(failure)).isEqualTo("TLS handshake with etcd failed: Received fatal alert: "
				+ "bad_certificate (etcd requires a client certificate signed by a CA it trusts)");
	}

	@Test
	void hostNameMismatchIsATlsFailure() {
		Throwable failure = Status.UNAVAILABLE.withDescription("io exception")
			.withCause(new SSLHandshakeException("No subject alternative names matching IP address 10.0.0.1 found"))
			.asRuntimeException();
		assertThat(EtcdErrors.describe(failure)).isEqualTo(
				"TLS handshake with etcd failed: No subject alternative names matching IP address 10.0.0.1 found");
	}

	@Test
	void certificateExceptionWithoutSslExceptionIsATlsFailure() {
		Throwable failure = new ExecutionException(new CertificateException("certificate expired"));
		assertThat(EtcdErrors.describe(failure)).isEqualTo("TLS handshake with etcd failed: certificate expired");
	}

	@Test
	void tlsToAnEndpointWithoutTlsSaysSo() {
		Throwable failure = Status.UNAVAILABLE.withDescription("Connection closed while performing TLS negotiation")
			.withCause(new ClosedChannelException())
			.asRuntimeException();
		assertThat(EtcdErrors.describe(failure)).startsWith(
				"TLS handshake with etcd failed: Connection closed while performing TLS negotiation (etcd does not seem to serve TLS there");
	}

	@Test
	void connectionLostDuringTheHandshakeIsATlsFailure() {
		Throwable failure = Status.UNAVAILABLE.withDescription(IO_EXCEPTION_DURING_HANDSHAKE)
			.withCause(new SocketException("Connection reset"))
			.asRuntimeException();
		assertThat(EtcdErrors.describe(failure)).isEqualTo("TLS handshake with etcd failed: Connection reset "
				+ "(etcd does not seem to serve TLS there: connect with http:// endpoints and no SSL bundle)");
	}

	@Test
	void connectionRefusedIsNotATlsFailure() {
		Throwable failure = Status.UNAVAILABLE.withDescription(IO_EXCEPTION_DURING_HANDSHAKE)
			.withCause(new ConnectException("Connection refused: /127.0.0.1:2379"))
			.asRuntimeException();
		assertThat(EtcdErrors.describe(failure)).isEqualTo("UNAVAILABLE: Connection refused: /127.0.0.1:2379");
	}

	@Test
	void plainTextToATlsEndpointHintsAtHttps() {
		Throwable failure = Status.UNAVAILABLE.withDescription("Network closed for unknown reason")
			.asRuntimeException();
		assertThat(EtcdErrors.describe(failure))
			.isEqualTo("UNAVAILABLE: Network closed for unknown reason (if etcd serves TLS, use https:// endpoints)");
	}

	@Test
	void refusedPasswordGivesWhatEtcdAnswered() {
		Throwable refused = Status.INVALID_ARGUMENT
			.withDescription("etcdserver: authentication failed, invalid user ID or password")
			.asRuntimeException();
		Throwable failure = new ExecutionException(Status.UNAUTHENTICATED.withCause(refused).asRuntimeException());
		assertThat(EtcdErrors.describe(failure))
			.isEqualTo("UNAUTHENTICATED: etcdserver: authentication failed, invalid user ID or password");
	}

	@Test
	void refusedPasswordWrappedByJetcdGivesWhatEtcdAnswered() {
		Throwable refused = Status.INVALID_ARGUMENT
			.withDescription("etcdserver: authentication failed, invalid user ID or password")
			.asRuntimeException();
		Throwable failure = EtcdExceptionFactory.toEtcdException(Status.UNAUTHENTICATED.withCause(refused));
		assertThat(EtcdErrors.describe(failure))
			.isEqualTo("UNAUTHENTICATED: etcdserver: authentication failed, invalid user ID or password");
	}

	@Test
	void permissionDeniedSaysTheRoleDoesNotPermitTheRequestWhateverItWas() {
		// etcd says the same for a key and for an admin call such as a member's status:
		// the caller names the call ("registering <key> failed: ...").
		Throwable failure = EtcdExceptionFactory.newEtcdException(ErrorCode.PERMISSION_DENIED,
				"etcdserver: permission denied");
		assertThat(EtcdErrors.describe(failure)).isEqualTo(
				"PERMISSION_DENIED: etcdserver: permission denied (the roles of the etcd user do not permit this request)");
		assertThat(EtcdErrors.isPermissionDenied(failure)).isTrue();
		assertThat(EtcdErrors.isPermissionDenied(Status.PERMISSION_DENIED.asRuntimeException())).isTrue();
		assertThat(EtcdErrors.isPermissionDenied(Status.UNAVAILABLE.asRuntimeException())).isFalse();
		assertThat(EtcdErrors.isPermissionDenied(
				EtcdExceptionFactory.newEtcdException(ErrorCode.UNAUTHENTICATED, "etcdserver: invalid auth token")))
			.isFalse();
	}

	@Test
	void missingCredentialsSayThatEtcdRequiresAuthentication() {
		Throwable failure = Status.INVALID_ARGUMENT.withDescription("etcdserver: user name is empty")
			.asRuntimeException();
		assertThat(EtcdErrors.describe(failure)).isEqualTo("INVALID_ARGUMENT: etcdserver: user name is empty "
				+ "(etcd requires authentication: configure a user name and password)");
	}

	@Test
	void genericIoExceptionIsReplacedByItsCause() {
		Throwable failure = Status.UNAVAILABLE.withDescription("io exception")
			.withCause(new ConnectException("Connection refused: /127.0.0.1:2379"))
			.asRuntimeException();
		assertThat(EtcdErrors.describe(failure)).isEqualTo("UNAVAILABLE: Connection refused: /127.0.0.1:2379");
	}

	@Test
	void etcdErrorsWithAMessageAreUnchanged() {
		Throwable failure = new ExecutionException(
				EtcdExceptionFactory.newEtcdException(ErrorCode.NOT_FOUND, "etcdserver: requested lease not found"));
		assertThat(EtcdErrors.describe(failure)).isEqualTo("NOT_FOUND: etcdserver: requested lease not found");
	}

}
