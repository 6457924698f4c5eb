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

package io.etcddiscovery.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link TcpProxy}, in front of a loopback echo server.
 *
 * @author etcd-discovery authors
 */
class TcpProxyTests {

	private ServerSocket echo;

	private TcpProxy proxy;

	@BeforeEach
	void start() throws IOException {
		this.echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::echo, "test-echo");
		acceptor.setDaemon(true);
		acceptor.start();
		this.proxy = TcpProxy.to("http://127.0.0.1:" + this.echo.getLocalPort());
	}

	@AfterEach
	void stop() throws IOException {
		this.proxy.close();
		this.echo.close();
	}

	@Test
	void forwardsBothWays() throws IOException {
		assertThat(this.proxy.endpoint()).startsWith("http://127.0.0.1:")
			.isNotEqualTo("http://127.0.0.1:" + this.echo.getLocalPort());
		try (Socket client = connect()) {
			assertThat(roundTrip(client, "ping")).isEqualTo("ping");
		}
	}

	@Test
	void cutClosesConnectionsAndRefusesNewOnesUntilRestored() throws IOException {
		try (Socket client = connect()) {
			assertThat(roundTrip(client, "a")).isEqualTo("a");
			this.proxy.cut();
			assertThat(client.getInputStream().read()).as("end of stream").isEqualTo(-1);
		}
		assertThatExceptionOfType(IOException.class).isThrownBy(this::connect);
		this.proxy.restore();
		try (Socket client = connect()) {
			assertThat(roundTrip(client, "c")).isEqualTo("c");
		}
	}

	@Test
	void partitionHoldsBytesBackOnOpenConnectionsUntilHealed() throws IOException {
		try (Socket client = connect()) {
			assertThat(roundTrip(client, "a")).isEqualTo("a");
			this.proxy.partition();
			client.setSoTimeout(500);
			client.getOutputStream().write('b');
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> client.getInputStream().read());
			this.proxy.heal();
			client.setSoTimeout(5000);
			assertThat(client.getInputStream().read()).isEqualTo('b');
		}
	}

	private Socket connect() throws IOException {
		URI endpoint = URI.create(this.proxy.endpoint());
		Socket socket = new Socket(endpoint.getHost(), endpoint.getPort());
		socket.setSoTimeout(5000);
		return socket;
	}

	private static String roundTrip(Socket socket, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		socket.getOutputStream().write(bytes);
		return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
	}

	private void echo() {
		while (!this.echo.isClosed()) {
			try {
				Socket socket = this.echo.accept();
				Thread echoer = new Thread(() -> {
					try (socket;
							InputStream in = socket.getInputStream();
							OutputStream out = socket.getOutputStream()) {
						in.transferTo(out);
					}
					catch (IOException ex) {
						// Closed by either side.
					}
				}, "test-echo-connection");
				echoer.setDaemon(true);
				echoer.start();
			}
			catch (IOException ex) {
				// Closed by stop().
			}
		}
	}

}
