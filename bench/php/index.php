<?php
// The seed design's two hot requests, with the shop's JSON shapes and rules:
//   GET  /api/cart        the cart: its lines' products by primary key
//   POST /api/cart/items  {"productId":…,"quantity":…}: the product by key, the line added
//                         (at most 100 lines, 99 per product), the cart back
// Anything else is 404. The session is $_SESSION['cart'] (product id => quantity),
// stored by SeedSessionHandler; the session cookie is "sid", as the shop's.
declare(strict_types=1);
require __DIR__ . '/seed-session.php';

const MAX_LINES = 100;
const MAX_QUANTITY = 99;

function reply(int $status, array $body): never
{
    // The write and its COMMIT happen here, before the answer: a failed
    // commit (a Galera certification conflict) is an error, not a saved cart.
    if (session_status() === PHP_SESSION_ACTIVE && !session_write_close()) {
        session_abort();
        $status = 503;
        $body = ['error' => 'unavailable', 'message' => 'Try again.'];
    }
    http_response_code($status);
    header('Content-Type: application/json');
    header('Cache-Control: no-store');
    echo json_encode($body);
    exit;
}

function cart_view(PDO $db, array $cart): array
{
    $items = [];
    $total = 0;
    $subtotal = 0;
    if ($cart) {
        $ids = array_keys($cart);
        $select = $db->prepare('SELECT id, name, price_cents FROM products WHERE id IN (' . implode(',', array_fill(0, count($ids), '?')) . ')');
        $select->execute($ids);
        $products = [];
        foreach ($select->fetchAll(PDO::FETCH_ASSOC) as $row) $products[(int) $row['id']] = $row;
        foreach ($cart as $id => $quantity) {
            if (!isset($products[$id])) continue;
            $price = (int) $products[$id]['price_cents'];
            $items[] = ['productId' => $id, 'name' => $products[$id]['name'], 'quantity' => $quantity, 'unitPriceCents' => $price];
            $total += $quantity;
            $subtotal += $quantity * $price;
        }
    }
    return ['items' => $items, 'totalQuantity' => $total, 'subtotalCents' => $subtotal];
}

$handler = new SeedSessionHandler();
session_set_save_handler($handler, true);
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$method = $_SERVER['REQUEST_METHOD'];

try {
    if ($path === '/api/cart' && $method === 'GET') {
        session_start();
        reply(200, cart_view($handler->pdo(), $_SESSION['cart'] ?? []));
    }
    if ($path === '/api/cart/items' && $method === 'POST') {
        $body = json_decode(file_get_contents('php://input'), true, 4);
        $productId = is_array($body) ? ($body['productId'] ?? null) : null;
        $quantity = is_array($body) ? ($body['quantity'] ?? null) : null;
        if (!is_int($productId) || $productId < 1 || !is_int($quantity) || $quantity < 1 || $quantity > MAX_QUANTITY) {
            reply(400, ['error' => 'invalid', 'message' => 'Send {"productId": <id>, "quantity": 1-99}.']);
        }
        session_start();
        $db = $handler->pdo();
        $select = $db->prepare('SELECT id FROM products WHERE id = ?');
        $select->execute([$productId]);
        if ($select->fetchColumn() === false) reply(404, ['error' => 'not_found', 'message' => 'No such product.']);
        $cart = $_SESSION['cart'] ?? [];
        if (!isset($cart[$productId]) && count($cart) >= MAX_LINES) reply(409, ['error' => 'limit', 'message' => 'A cart holds at most 100 different products.']);
        if (($cart[$productId] ?? 0) + $quantity > MAX_QUANTITY) reply(409, ['error' => 'limit', 'message' => 'At most 99 per product.']);
        $cart[$productId] = ($cart[$productId] ?? 0) + $quantity;
        $_SESSION['cart'] = $cart;
        reply(200, cart_view($db, $cart));
    }
    reply(404, ['error' => 'not_found', 'message' => 'No such endpoint.']);
} catch (Throwable $e) {
    // A lost lock race or a Galera certification conflict (1213): the
    // transaction is gone, so the session must not be written at all.
    if (session_status() === PHP_SESSION_ACTIVE) session_abort();
    error_log('seed: ' . $e->getMessage());
    reply(503, ['error' => 'unavailable', 'message' => 'Try again.']);
}
